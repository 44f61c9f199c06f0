namespace MLNet.Autoencoders;

/// <summary>
/// How a flat feature vector holds an image: channels × height × width values, channel-major (all of channel 0 row by
/// row, then channel 1, …) — the order ML.NET's <c>ExtractPixels</c> gives by default and that MNIST-style vectors have
/// (1 × 28 × 28).
/// </summary>
public sealed class ImageShape
{
    /// <summary>Creates a shape; every dimension must be at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1.</exception>
    public ImageShape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Colour planes (1 for grey, 3 for RGB).</summary>
    public int Channels { get; }

    /// <summary>Rows of pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>The vector size this shape needs: <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public long Size => (long)Channels * Height * Width;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
