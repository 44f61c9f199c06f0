namespace MLNet.Autoencoders.Data;

/// <summary>
/// Greyscale images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/>
/// unsigned-byte pixels, stored back to back in one contiguous row-major array.
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps pixel data that is already laid out as <paramref name="count"/> row-major images.</summary>
    /// <param name="count">Number of images; positive.</param>
    /// <param name="rows">Rows (height) of every image; positive.</param>
    /// <param name="columns">Columns (width) of every image; positive.</param>
    /// <param name="pixels">The pixels, <c>count * rows * columns</c> bytes; kept, not copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> has the wrong length.</exception>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentNullException.ThrowIfNull(pixels);
        // long arithmetic so that absurd sizes are reported as a mismatch rather than wrapping around.
        long expected = (long)count * rows * columns;
        if (pixels.LongLength != expected)
            throw new ArgumentException(
                $"Expected {expected} pixels ({count} x {rows} x {columns}), got {pixels.LongLength}.", nameof(pixels));
        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Rows (height) of each image.</summary>
    public int Rows { get; }

    /// <summary>Columns (width) of each image.</summary>
    public int Columns { get; }

    /// <summary>Pixels per image, <see cref="Rows"/> * <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>
    /// All pixels, <see cref="Count"/> * <see cref="Rows"/> * <see cref="Columns"/> bytes: image after image,
    /// each row-major (pixel (r, c) of image i is at <c>i * PixelsPerImage + r * Columns + c</c>), 0 to 255.
    /// </summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of one image, row-major, without copying.</summary>
    /// <param name="index">Zero-based image index, less than <see cref="Count"/>.</param>
    /// <returns>A view of <see cref="PixelsPerImage"/> bytes inside <see cref="Pixels"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }
}
