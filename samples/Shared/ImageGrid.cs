using SkiaSharp;

namespace MLNet.Autoencoders.Samples;

/// <summary>Writes rows of grey-scale images (values in [0, 1], row-major) as one PNG grid, scaled up for viewing.</summary>
internal static class ImageGrid
{
    public static void Save(string path, IReadOnlyList<IReadOnlyList<float[]>> rows, int side, int scale = 3, int gap = 4)
    {
        int columns = rows.Max(r => r.Count);
        int cell = side * scale;
        int width = columns * cell + (columns + 1) * gap, height = rows.Count * cell + (rows.Count + 1) * gap;
        using var bitmap = new SKBitmap(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(64, 64, 64));
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                var image = rows[r][c];
                int x0 = gap + c * (cell + gap), y0 = gap + r * (cell + gap);
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++)
                    {
                        byte v = (byte)Math.Round(Math.Clamp(image[y * side + x], 0f, 1f) * 255);
                        var color = new SKColor(v, v, v);
                        for (int dy = 0; dy < scale; dy++)
                            for (int dx = 0; dx < scale; dx++)
                                bitmap.SetPixel(x0 + x * scale + dx, y0 + y * scale + dy, color);
                    }
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            data.SaveTo(file);
        });
    }
}
