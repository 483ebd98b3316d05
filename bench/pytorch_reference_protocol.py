"""The reference protocol in plain PyTorch: the peer `npm run reproduce -- --preset fashion-cnn` is timed against.

What a careful hand-written script does, on the exact images Distillery trains on
(bench/export-reference-split.ts writes them): five cnn-small teachers (seeds 0-4), the mean-of-softmax
ensemble, a student distilled from it (seed 42), five self-distilled students (teacher i -> seed 10+i)
and their ensemble. Adam 1e-3, batch 128, inputs (x/255 - 0.5)/0.5, soft cross-entropy
-(p_teacher * log p_student).sum(1).mean() with the teachers' probabilities on the training set
computed once (no augmentation, so they never change), validation every epoch, best-validation weights
kept. One process, runs one after another, torch.set_num_threads(--threads).

  /usr/bin/python3 bench/pytorch_reference_protocol.py --split /tmp/fashion-split --threads 2 --epochs 5

Prints one JSON object (per-run wall time and metrics, total wall time) on stdout, progress on stderr.
"""
import argparse
import copy
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_throughput import build  # noqa: E402  (the cnn-small twin, layer for layer)

started = time.time()


def log(line):
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} +{time.time() - started:7.1f}s {line}\n")


def load_split(directory, limit):
    meta = json.load(open(os.path.join(directory, 'meta.json')))
    height, width, channels = meta['shape']
    sets = {}
    for name in ('train', 'validation', 'test'):
        labels = np.fromfile(os.path.join(directory, f'{name}-labels.u8'), dtype=np.uint8)
        images = np.fromfile(os.path.join(directory, f'{name}-images.u8'), dtype=np.uint8)
        images = images.reshape(len(labels), height, width, channels)
        if limit and name == 'train':
            images, labels = images[:limit], labels[:limit]
        x = torch.from_numpy(images.astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()
        sets[name] = ((x - 0.5) / 0.5, torch.from_numpy(labels.astype(np.int64)))
    return meta, sets


def logits_of(model, x, batch=1000):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def report(probabilities, labels, bins=15):
    """Accuracy, NLL and 15-bin ECE of class probabilities, as Distillery's evaluate reports them."""
    confidence, predicted = probabilities.max(1)
    correct = (predicted == labels).float()
    nll = -torch.log(probabilities[torch.arange(len(labels)), labels].clamp_min(1e-12)).mean().item()
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        in_bin = (confidence > low) & (confidence <= high) if b else (confidence >= low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.float().mean().item() * abs(correct[in_bin].mean().item() - confidence[in_bin].mean().item())
    return {'accuracy': correct.mean().item(), 'nll': nll, 'ece': ece}


def fit(seed, sets, args, soft_targets=None):
    """One train (labels) or distill (soft targets) run; returns the best-validation model and its epoch."""
    torch.manual_seed(seed)
    x, y = sets['train']
    val_x, val_y = sets['validation']
    model = build('cnn-small', x.shape[2], x.shape[3], x.shape[1], 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(seed)
    best = (-1.0, None, 0)
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=shuffle)
        for start in range(0, len(x), args.batch):
            index = order[start:start + args.batch]
            logits = model(x[index])
            if soft_targets is None:
                loss = F.cross_entropy(logits, y[index])
            else:
                loss = -(soft_targets[index] * F.log_softmax(logits, 1)).sum(1).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        accuracy = (logits_of(model, val_x).argmax(1) == val_y).float().mean().item()
        if accuracy > best[0]:
            best = (accuracy, copy.deepcopy(model.state_dict()), epoch)
        log(f'  seed {seed} epoch {epoch}/{args.epochs}: validation accuracy {accuracy:.4f}')
    model.load_state_dict(best[1])
    return model, best[2]


def evaluated(model, sets):
    return {split: report(F.softmax(logits_of(model, sets[split][0]), 1), sets[split][1]) for split in ('validation', 'test')}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--split', required=True, help='directory written by bench/export-reference-split.ts')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--limit', type=int, default=0, help='use only the first N training images (a quick check)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    meta, sets = load_split(args.split, args.limit)
    log(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s); {meta['dataset']}: "
        + ', '.join(f'{len(sets[s][1])} {s}' for s in sets))
    runs = []

    def timed(name, work):
        t0 = time.time()
        model, best_epoch = work()
        metrics = evaluated(model, sets)
        runs.append({'name': name, 'seconds': time.time() - t0, 'bestEpoch': best_epoch, **metrics})
        log(f"{name}: {runs[-1]['seconds']:.1f} s, test accuracy {metrics['test']['accuracy']:.4f}")
        return model

    def train_probabilities(models):
        return torch.stack([F.softmax(logits_of(m, sets['train'][0]), 1) for m in models]).mean(0)

    def ensemble_test(models):
        probabilities = torch.stack([F.softmax(logits_of(m, sets['test'][0]), 1) for m in models]).mean(0)
        return report(probabilities, sets['test'][1])

    teachers = [timed(f'teacher seed {s}', lambda s=s: fit(s, sets, args)) for s in range(5)]
    ensemble = ensemble_test(teachers)
    timed('student of the ensemble, seed 42', lambda: fit(42, sets, args, train_probabilities(teachers)))
    students = [timed(f'self-distilled from teacher {i}, seed {10 + i}', lambda i=i: fit(10 + i, sets, args, train_probabilities([teachers[i]])))
                for i in range(5)]
    student_ensemble = ensemble_test(students)
    total = time.time() - started
    log(f'total {total:.1f} s')
    print(json.dumps({
        'runtime': f'PyTorch {torch.__version__}', 'threads': torch.get_num_threads(), 'machine': platform.processor() or platform.machine(),
        'epochs': args.epochs, 'batch': args.batch, 'trainImages': len(sets['train'][1]),
        'runs': runs, 'ensembleTest': ensemble, 'selfDistilledEnsembleTest': student_ensemble, 'totalSeconds': total,
    }, indent=2))


if __name__ == '__main__':
    main()
