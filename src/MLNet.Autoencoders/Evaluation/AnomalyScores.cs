namespace MLNet.Autoencoders.Evaluation;

/// <summary>How well a score ranks anomalies above normal rows.</summary>
public static class AnomalyScores
{
    /// <summary>Area under the ROC curve: the probability that a random anomaly scores higher than a random normal row
    /// (ties count half). 1 is a perfect ranking, 0.5 a random one.</summary>
    /// <param name="scores">Higher means more anomalous (e.g. reconstruction error).</param>
    /// <param name="isAnomaly">The truth, row by row.</param>
    /// <exception cref="ArgumentException">The lists differ in length, or one of the two groups is empty.</exception>
    public static double AreaUnderRocCurve(IReadOnlyList<float> scores, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isAnomaly);
        if (scores.Count != isAnomaly.Count)
            throw new ArgumentException($"There are {scores.Count} scores but {isAnomaly.Count} labels.", nameof(isAnomaly));
        long positives = isAnomaly.Count(a => a), negatives = isAnomaly.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException("The ROC AUC needs at least one anomaly and one normal row.", nameof(isAnomaly));
        // Mann–Whitney: sum of the anomalies' ranks (average rank for ties).
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
                if (isAnomaly[order[k]]) rankSum += averageRank;
            start = end + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
