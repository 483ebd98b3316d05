// Download buttons for a version's two files, fetched with the signed-in key.
import { useState } from 'preact/hooks';
import { saveAs, type Schemas } from '../api';
import { bytes } from '../format';
import { useSession } from '../session';
import { ErrorBox } from './common';

type FileName = keyof Schemas['ModelVersion']['files'];

export function VersionFiles({ version }: { version: Schemas['ModelVersion'] }) {
  const { client } = useSession();
  const [error, setError] = useState<unknown>(undefined);
  const save = (file: FileName) =>
    saveAs(
      client.GET('/v1/models/{name}/versions/{version}/files/{file}', {
        params: { path: { name: version.model, version: String(version.version), file } },
        parseAs: 'blob',
      }),
      `${version.model}-v${version.version}-${file}`,
    ).catch(setError);
  return (
    <span class="files">
      {(Object.keys(version.files) as FileName[]).map((file) => (
        <button key={file} class="link" title={`sha256 ${version.files[file].sha256}`} onClick={() => void save(file)}>
          {file} ({bytes(version.files[file].size)})
        </button>
      ))}
      <ErrorBox error={error} />
    </span>
  );
}
