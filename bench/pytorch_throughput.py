"""PyTorch twins of Distillery's cnn-small and resnet18-cifar, timed like bench/training-throughput.ts.

Prints one JSON object: median seconds per step and images per second for a training step
(forward, cross-entropy, backward, Adam) or inference (forward under no_grad, eval mode).
Install: apt-get update && apt-get install -y python3-torch; run with /usr/bin/python3.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


class CnnSmall(nn.Module):
    """conv3x3(32) same + ReLU, maxpool2, conv3x3(64) same + ReLU, maxpool2, flatten, dense128 ReLU, dense."""

    def __init__(self, height, width, channels, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * (height // 4) * (width // 4), 128), nn.ReLU(), nn.Linear(128, classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """Two 3x3 conv + batch-norm layers with an identity or 1x1-conv shortcut (torchvision's layout)."""

    def __init__(self, in_channels, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or in_channels != channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, channels, 1, stride, bias=False), nn.BatchNorm2d(channels),
            )

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


class ResNet18Cifar(nn.Module):
    """ResNet-18 with a 3x3 stride-1 stem and no max-pool; stages of two BasicBlocks (64, 128, 256, 512)."""

    def __init__(self, channels, classes):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(channels, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
        )
        blocks, in_channels = [], 64
        for width, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            blocks += [BasicBlock(in_channels, width, stride), BasicBlock(width, width, 1)]
            in_channels = width
        self.stages = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.stages(self.stem(x))), 1))


def build(model, height, width, channels, classes):
    if model == 'cnn-small':
        return CnnSmall(height, width, channels, classes)
    if model == 'resnet18-cifar':
        return ResNet18Cifar(channels, classes)
    raise SystemExit(f'unknown model {model}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', required=True)
    parser.add_argument('--mode', choices=('train', 'infer'), required=True)
    parser.add_argument('--batch', type=int, required=True)
    parser.add_argument('--shape', required=True, help='height,width,channels')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--steps', type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    height, width, channels = (int(v) for v in args.shape.split(','))
    model = build(args.model, height, width, channels, 10)
    x = torch.randn(args.batch, channels, height, width)
    y = torch.randint(0, 10, (args.batch,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    def infer_step():
        with torch.no_grad():
            return model(x).sum().item()

    if args.mode == 'train':
        model.train()
        step = train_step
    else:
        model.eval()
        step = infer_step
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({
        'framework': f'pytorch {torch.__version__}', 'model': args.model, 'mode': args.mode, 'batch': args.batch,
        'threads': torch.get_num_threads(), 'steps': args.steps, 'median_s': median,
        'images_per_s': args.batch / median,
    }))


if __name__ == '__main__':
    main()
