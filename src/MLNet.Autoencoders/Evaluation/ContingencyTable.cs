namespace MLNet.Autoencoders.Evaluation;

/// <summary>Counts of rows per (class, cluster) pair; classes and clusters are numbered in ascending label order.</summary>
internal sealed class ContingencyTable
{
    private ContingencyTable(long[,] counts, long[] rowSums, long[] columnSums, long total)
    {
        Counts = counts;
        RowSums = rowSums;
        ColumnSums = columnSums;
        Total = total;
    }

    /// <summary>Rows per class (first index) and cluster (second index).</summary>
    public long[,] Counts { get; }

    /// <summary>Rows per class.</summary>
    public long[] RowSums { get; }

    /// <summary>Rows per cluster.</summary>
    public long[] ColumnSums { get; }

    /// <summary>Number of rows.</summary>
    public long Total { get; }

    /// <summary>Builds the table, checking the two labelings describe the same rows.</summary>
    public static ContingencyTable Create(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
            throw new ArgumentException(
                $"The true labels cover {truth.Count} rows but the predicted clusters cover {predicted.Count}; both must describe the same rows.",
                nameof(predicted));
        if (truth.Count == 0)
            throw new ArgumentException("There are no rows: both label lists are empty.", nameof(truth));
        var classes = Index(truth);
        var clusters = Index(predicted);
        var counts = new long[classes.Count, clusters.Count];
        var rowSums = new long[classes.Count];
        var columnSums = new long[clusters.Count];
        for (int k = 0; k < truth.Count; k++)
        {
            int i = classes[truth[k]], j = clusters[predicted[k]];
            counts[i, j]++;
            rowSums[i]++;
            columnSums[j]++;
        }
        return new ContingencyTable(counts, rowSums, columnSums, truth.Count);
    }

    // Labels can be any ints (negative, sparse, 1-based keys), so they are mapped to dense indices.
    private static Dictionary<int, int> Index(IReadOnlyList<int> labels)
    {
        var distinct = new SortedSet<int>(labels);
        var index = new Dictionary<int, int>(distinct.Count);
        foreach (int label in distinct) index[label] = index.Count;
        return index;
    }
}
