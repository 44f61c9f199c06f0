using SkiaSharp;
using ScottPlot;

namespace MLNet.Autoencoders.Samples;

/// <summary>Several ScottPlot plots in one PNG, as a grid of equal panels (composed with SkiaSharp, which ScottPlot draws with).</summary>
internal static class PanelPicture
{
    public static void Save(string path, IReadOnlyList<Plot> plots, int columns, int panelWidth = 600, int panelHeight = 480)
    {
        int rows = (plots.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * panelWidth, rows * panelHeight));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            using var panel = SKBitmap.Decode(plots[i].GetImageBytes(panelWidth, panelHeight, ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i % columns * panelWidth, i / columns * panelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, temporary =>
        {
            using var file = File.Create(temporary);
            data.SaveTo(file);
        });
    }
}
