// The confusion matrix as a heat map: rows are the true classes, columns the predicted ones, each cell
// shaded by its share of the row (so a small class reads as clearly as a large one).
export function ConfusionMatrix({ matrix, labels }: { matrix: number[][]; labels: string[] }) {
  return (
    <div class="scroll">
      <table class="confusion" data-testid="confusion-matrix">
        <thead>
          <tr>
            <th class="corner">true ↓ / predicted →</th>
            {matrix.map((_, column) => (
              <th key={column}>{labels[column] ?? column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, trueClass) => {
            const total = row.reduce((sum, count) => sum + count, 0);
            return (
              <tr key={trueClass}>
                <th>{labels[trueClass] ?? trueClass}</th>
                {row.map((count, predicted) => {
                  const share = total === 0 ? 0 : count / total;
                  const hue = predicted === trueClass ? '31, 95, 168' : '200, 60, 40';
                  return (
                    <td key={predicted} style={{ background: `rgba(${hue}, ${(share * 0.85).toFixed(3)})`, color: share > 0.55 ? 'white' : undefined }} title={`${(share * 100).toFixed(1)} % of ${labels[trueClass] ?? trueClass}`}>
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
