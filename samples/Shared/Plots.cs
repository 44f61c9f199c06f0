using MLNet.Autoencoders.Data;
using ScottPlot;

namespace MLNet.Autoencoders.Samples;

/// <summary>Scatter plots of 2-D codes coloured by Fashion-MNIST class, with a legend.</summary>
internal static class Plots
{
    public static void ScatterByClass(string path, string title, float[][] points, byte[] labels, string xLabel, string yLabel)
    {
        var plot = Scatter(title, points, labels, FashionMnist.ClassNames, xLabel, yLabel);
        AtomicFile.Write(path, temporary => plot.SavePng(temporary, 700, 560));
    }

    /// <summary>A scatter plot of 2-D points coloured by group (<paramref name="labels"/> index <paramref name="names"/>).</summary>
    public static Plot Scatter(string title, float[][] points, byte[] labels, IReadOnlyList<string> names, string xLabel, string yLabel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int c = 0; c < names.Count; c++)
        {
            var rows = Enumerable.Range(0, points.Length).Where(i => labels[i] == c).ToArray();
            if (rows.Length == 0) continue;
            var scatter = plot.Add.ScatterPoints(rows.Select(i => (double)points[i][0]).ToArray(), rows.Select(i => (double)points[i][1]).ToArray());
            scatter.Color = palette.GetColor(c).WithAlpha(0.6);
            scatter.MarkerSize = 3;
            scatter.LegendText = names[c];
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
