namespace MLNet.Autoencoders.Evaluation;

/// <summary>
/// How well a clustering agrees with known classes: the usual external measures for judging latent features with k-means.
/// Cluster and class labels may be any integers (ML.NET's 1-based <c>PredictedLabel</c> keys work as they are).
/// </summary>
public static class ClusteringAgreement
{
    /// <summary>Clustering accuracy: the fraction of rows whose cluster maps to their class under the best one-to-one
    /// mapping of clusters to classes (the Hungarian algorithm on the contingency table). Unmatched clusters count as wrong.</summary>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double Accuracy(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var (table, _, _) = Contingency(truth, predicted);
        int n = Math.Max(table.GetLength(0), table.GetLength(1));
        // Square cost matrix: maximise matched counts = minimise their negatives; padding rows/columns cost 0.
        var cost = new double[n, n];
        for (int i = 0; i < table.GetLength(0); i++)
            for (int j = 0; j < table.GetLength(1); j++)
                cost[i, j] = -table[i, j];
        var assignment = Hungarian(cost);
        long matched = 0;
        for (int i = 0; i < table.GetLength(0); i++)
            if (assignment[i] < table.GetLength(1)) matched += table[i, assignment[i]];
        return (double)matched / truth.Count;
    }

    /// <summary>Normalized mutual information, with the arithmetic mean of the two entropies as normaliser
    /// (scikit-learn's default). 1 for identical partitions, near 0 for independent ones.</summary>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double NormalizedMutualInformation(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var (table, rowSums, colSums) = Contingency(truth, predicted);
        double n = truth.Count;
        double mi = 0;
        for (int i = 0; i < rowSums.Length; i++)
            for (int j = 0; j < colSums.Length; j++)
                if (table[i, j] > 0)
                    mi += table[i, j] / n * Math.Log(n * table[i, j] / ((double)rowSums[i] * colSums[j]));
        double hTruth = Entropy(rowSums, n), hPredicted = Entropy(colSums, n);
        if (hTruth == 0 && hPredicted == 0) return 1; // both partitions are a single group: identical
        double normaliser = (hTruth + hPredicted) / 2;
        return normaliser <= 0 ? 0 : Math.Max(0, mi / normaliser);
    }

    /// <summary>Adjusted Rand index: pair-counting agreement corrected for chance (1 identical, about 0 random).</summary>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double AdjustedRandIndex(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var (table, rowSums, colSums) = Contingency(truth, predicted);
        static double Pairs(double x) => x * (x - 1) / 2;
        double sumCells = 0;
        foreach (var count in table) sumCells += Pairs(count);
        double sumRows = rowSums.Sum(r => Pairs(r)), sumCols = colSums.Sum(c => Pairs(c));
        double expected = sumRows * sumCols / Pairs(truth.Count);
        double maximum = (sumRows + sumCols) / 2;
        if (maximum == expected) return 1; // degenerate: both partitions trivial in the same way
        return (sumCells - expected) / (maximum - expected);
    }

    private static double Entropy(long[] counts, double n) =>
        -counts.Where(c => c > 0).Sum(c => c / n * Math.Log(c / n));

    private static (long[,] Table, long[] RowSums, long[] ColumnSums) Contingency(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"The true labels have {truth.Count} rows, but the predicted clusters have {predicted.Count}.", nameof(predicted));
        if (truth.Count == 0)
            throw new ArgumentException("There are no rows to compare.", nameof(truth));
        var classes = truth.Distinct().Order().Select((label, index) => (label, index)).ToDictionary(p => p.label, p => p.index);
        var clusters = predicted.Distinct().Order().Select((label, index) => (label, index)).ToDictionary(p => p.label, p => p.index);
        var table = new long[classes.Count, clusters.Count];
        var rows = new long[classes.Count];
        var cols = new long[clusters.Count];
        for (int k = 0; k < truth.Count; k++)
        {
            int i = classes[truth[k]], j = clusters[predicted[k]];
            table[i, j]++;
            rows[i]++;
            cols[j]++;
        }
        return (table, rows, cols);
    }

    /// <summary>Minimum-cost perfect assignment of rows to columns in a square matrix (Kuhn–Munkres with potentials, O(n³)).
    /// Returns the column assigned to each row.</summary>
    internal static int[] Hungarian(double[,] cost)
    {
        int n = cost.GetLength(0);
        var u = new double[n + 1];
        var v = new double[n + 1];
        var match = new int[n + 1]; // match[column] = row (1-based), 0 = free
        var way = new int[n + 1];
        for (int row = 1; row <= n; row++)
        {
            match[0] = row;
            int column0 = 0;
            var minimum = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[column0] = true;
                int row0 = match[column0], column1 = 0;
                double delta = double.PositiveInfinity;
                for (int column = 1; column <= n; column++)
                {
                    if (used[column]) continue;
                    double reduced = cost[row0 - 1, column - 1] - u[row0] - v[column];
                    if (reduced < minimum[column]) { minimum[column] = reduced; way[column] = column0; }
                    if (minimum[column] < delta) { delta = minimum[column]; column1 = column; }
                }
                for (int column = 0; column <= n; column++)
                {
                    if (used[column]) { u[match[column]] += delta; v[column] -= delta; }
                    else minimum[column] -= delta;
                }
                column0 = column1;
            } while (match[column0] != 0);
            do
            {
                int column1 = way[column0];
                match[column0] = match[column1];
                column0 = column1;
            } while (column0 != 0);
        }
        var assignment = new int[n];
        for (int column = 1; column <= n; column++) assignment[match[column] - 1] = column - 1;
        return assignment;
    }
}
