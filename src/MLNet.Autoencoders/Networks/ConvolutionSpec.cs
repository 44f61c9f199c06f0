namespace MLNet.Autoencoders.Networks;

/// <summary>
/// The convolutional front of an autoencoder, framework-free: image shape, channels per stage, kernel and stride, and the
/// sizes they lead to. Padding is kernel / 2; the transposed convolution mirroring stage i adds the output padding that
/// restores stage i's input size exactly.
/// </summary>
internal sealed record ConvolutionSpec(int Channels, int Height, int Width, int[] StageChannels, int KernelSize, int Stride)
{
    public int Padding => KernelSize / 2;

    public int StageCount => StageChannels.Length;

    public int InputSize => Channels * Height * Width;

    /// <summary>Input channels of stage i (the image's for stage 0).</summary>
    public int InChannels(int stage) => stage == 0 ? Channels : StageChannels[stage - 1];

    /// <summary>Height and width of the feature map entering stage i (i = StageCount: the last map).</summary>
    public (int Height, int Width) SizeBefore(int stage)
    {
        int h = Height, w = Width;
        for (int i = 0; i < stage; i++) (h, w) = (Out(h), Out(w));
        return (h, w);
    }

    /// <summary>The size of the flattened last feature map: what the dense layers read.</summary>
    public int FlatSize
    {
        get
        {
            var (h, w) = SizeBefore(StageCount);
            return StageChannels[^1] * h * w;
        }
    }

    /// <summary>The output padding (height, width) of the transposed convolution that mirrors stage i.</summary>
    public (int Height, int Width) OutputPadding(int stage)
    {
        var (inH, inW) = SizeBefore(stage);
        var (outH, outW) = SizeBefore(stage + 1);
        return (inH - Transposed(outH), inW - Transposed(outW));
    }

    private int Out(int size) => (size + 2 * Padding - KernelSize) / Stride + 1;

    private int Transposed(int size) => (size - 1) * Stride - 2 * Padding + KernelSize;

    /// <summary>Why this spec cannot work, or null: every stage must keep at least one pixel, and every mirror must be
    /// reachable with an output padding in [0, stride).</summary>
    public string? Problem()
    {
        for (int i = 0; i < StageCount; i++)
        {
            var (inH, inW) = SizeBefore(i);
            if (inH == 1 && inW == 1 && Stride > 1 && i > 0)
                return $"stage {i + 1} gets a 1×1 map: there is nothing left to downsample";
            if (inH + 2 * Padding < KernelSize || inW + 2 * Padding < KernelSize)
                return $"stage {i + 1} gets a {inH}×{inW} map, smaller than the {KernelSize}×{KernelSize} kernel";
            var (padH, padW) = OutputPadding(i);
            if (padH < 0 || padW < 0 || padH >= Math.Max(Stride, 1) || padW >= Math.Max(Stride, 1))
                return $"the transposed convolution mirroring stage {i + 1} cannot rebuild {inH}×{inW} from {SizeBefore(i + 1).Height}×{SizeBefore(i + 1).Width} with stride {Stride}";
        }
        return null;
    }

    public override string ToString() =>
        $"{Channels}×{Height}×{Width} → conv({string.Join(", ", StageChannels)}; kernel {KernelSize}, stride {Stride}) → {FlatSize}";
}
