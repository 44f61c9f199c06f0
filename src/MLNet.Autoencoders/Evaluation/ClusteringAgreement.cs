namespace MLNet.Autoencoders.Evaluation;

/// <summary>
/// External clustering measures: how well predicted clusters agree with known classes, the usual way to judge latent
/// features with k-means. Class and cluster labels may be any integers and need not be contiguous (ML.NET's 1-based
/// <c>PredictedLabel</c> keys can be passed as they are). The results match scikit-learn's
/// <c>normalized_mutual_info_score</c> and <c>adjusted_rand_score</c>, and the usual Hungarian-matched clustering accuracy.
/// </summary>
/// <remarks>Not named <c>ClusteringMetrics</c>: that would clash with <c>Microsoft.ML.Data.ClusteringMetrics</c> in any file
/// that imports both namespaces.</remarks>
public static class ClusteringAgreement
{
    /// <summary>
    /// Clustering accuracy: the fraction of rows whose cluster maps to their class under the best one-to-one mapping of
    /// clusters to classes, found with the Hungarian algorithm on the contingency table (O(k³) for k labels). When there
    /// are more clusters than classes (or fewer), the surplus clusters (classes) stay unmatched and their rows count as wrong.
    /// </summary>
    /// <param name="truth">The true class of each row.</param>
    /// <param name="predicted">The predicted cluster of each row.</param>
    /// <returns>A value in (0, 1]; 1 when the clusters are the classes up to renaming.</returns>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double Accuracy(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var table = ContingencyTable.Create(truth, predicted);
        int classes = table.Counts.GetLength(0), clusters = table.Counts.GetLength(1);
        // Square matrix padded with zero-count rows/columns; maximising matched rows = minimising their negation.
        int size = Math.Max(classes, clusters);
        var cost = new double[size, size];
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < clusters; j++)
                cost[i, j] = -table.Counts[i, j];
        var assignment = HungarianAlgorithm.Solve(cost);
        long matched = 0;
        for (int i = 0; i < classes; i++)
            if (assignment[i] < clusters) matched += table.Counts[i, assignment[i]];
        return (double)matched / table.Total;
    }

    /// <summary>
    /// Normalized mutual information I(T; P) / ((H(T) + H(P)) / 2): the arithmetic-mean normalisation, scikit-learn's
    /// default for <c>normalized_mutual_info_score</c>. Like scikit-learn it returns 1 when both labelings are a single
    /// group, and 0 when the mutual information is 0.
    /// </summary>
    /// <param name="truth">The true class of each row.</param>
    /// <param name="predicted">The predicted cluster of each row.</param>
    /// <returns>A value in [0, 1]; 1 for identical partitions, near 0 for independent ones.</returns>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double NormalizedMutualInformation(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var table = ContingencyTable.Create(truth, predicted);
        if (table.RowSums.Length == 1 && table.ColumnSums.Length == 1) return 1; // both unsplit: a perfect match
        double n = table.Total;
        double mi = 0;
        for (int i = 0; i < table.RowSums.Length; i++)
            for (int j = 0; j < table.ColumnSums.Length; j++)
            {
                long count = table.Counts[i, j];
                if (count > 0) mi += count / n * Math.Log(n * count / ((double)table.RowSums[i] * table.ColumnSums[j]));
            }
        // Rounding can leave a hair below 0 for independent labelings; scikit-learn clips there too.
        if (mi <= 0) return 0;
        double normaliser = (Entropy(table.RowSums, n) + Entropy(table.ColumnSums, n)) / 2;
        return Math.Min(1, mi / normaliser);
    }

    /// <summary>
    /// Adjusted Rand index: agreement on pairs of rows (same group or not), corrected for chance, computed like
    /// scikit-learn's <c>adjusted_rand_score</c> (from the pair confusion matrix, in exact integer arithmetic).
    /// </summary>
    /// <param name="truth">The true class of each row.</param>
    /// <param name="predicted">The predicted cluster of each row.</param>
    /// <returns>1 for identical partitions, about 0 for random ones, negative when worse than chance (down to −0.5).</returns>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static double AdjustedRandIndex(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var table = ContingencyTable.Create(truth, predicted);
        // Ordered pairs; Int128 because the products below reach n⁴ (beyond long for n ≳ 55,000).
        Int128 n = table.Total;
        Int128 sumSquares = 0, rowSquares = 0, columnSquares = 0;
        foreach (long count in table.Counts) sumSquares += (Int128)count * count;
        foreach (long count in table.RowSums) rowSquares += (Int128)count * count;
        foreach (long count in table.ColumnSums) columnSquares += (Int128)count * count;
        Int128 together = sumSquares - n;                  // same class, same cluster
        Int128 splitCluster = rowSquares - sumSquares;     // same class, different clusters
        Int128 mergedClasses = columnSquares - sumSquares; // different classes, same cluster
        Int128 apart = n * n - splitCluster - mergedClasses - sumSquares;
        if (splitCluster == 0 && mergedClasses == 0) return 1; // includes a single row and all-singleton partitions
        Int128 numerator = 2 * (together * apart - splitCluster * mergedClasses);
        Int128 denominator = (together + splitCluster) * (splitCluster + apart) + (together + mergedClasses) * (mergedClasses + apart);
        return (double)numerator / (double)denominator;
    }

    private static double Entropy(long[] counts, double n)
    {
        double h = 0;
        foreach (long count in counts)
            if (count > 0) h -= count / n * Math.Log(count / n);
        return h;
    }
}
