namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>Median and range of a set of measurements.</summary>
internal sealed record Stats(double Median, double Min, double Max, int Count)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values to summarise.", nameof(values));
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[^1], sorted.Length);
    }

    public override string ToString() => $"{Median:G4} ({Min:G3}–{Max:G3}, n = {Count})";
}
