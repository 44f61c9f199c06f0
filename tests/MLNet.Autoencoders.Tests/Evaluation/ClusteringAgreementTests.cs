using MLNet.Autoencoders.Evaluation;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class ClusteringAgreementTests
{
    // Expected values computed by hand with scikit-learn 1.2 (normalized_mutual_info_score, adjusted_rand_score).
    [Theory]
    [InlineData(new[] { 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 }, new[] { 1, 1, 0, 0, 2, 2, 2, 2, 3, 3 }, 0.555960101000571, 0.19753086419753085)]
    [InlineData(new[] { 5, 5, 7, 7, 7, 9, 9, 1, 1, 1, 1, 3 }, new[] { 0, 1, 1, 1, 2, 2, 2, 0, 0, 3, 3, 3 }, 0.6065936480074053, 0.21052631578947367)]
    public void Nmi_and_ari_match_scikit_learn(int[] truth, int[] predicted, double nmi, double ari)
    {
        Assert.Equal(nmi, ClusteringAgreement.NormalizedMutualInformation(truth, predicted), 10);
        Assert.Equal(ari, ClusteringAgreement.AdjustedRandIndex(truth, predicted), 10);
    }

    [Fact]
    public void Relabelled_identical_partitions_score_one()
    {
        int[] truth = [0, 0, 1, 1, 2, 2, 2];
        int[] predicted = [7, 7, 3, 3, 1, 1, 1];
        Assert.Equal(1.0, ClusteringAgreement.Accuracy(truth, predicted));
        Assert.Equal(1.0, ClusteringAgreement.NormalizedMutualInformation(truth, predicted), 12);
        Assert.Equal(1.0, ClusteringAgreement.AdjustedRandIndex(truth, predicted), 12);
    }

    [Fact]
    public void Accuracy_finds_the_best_matching_like_brute_force()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 30; trial++)
        {
            int classes = random.Next(2, 6), clusters = random.Next(2, 6), n = random.Next(5, 40);
            var truth = Enumerable.Range(0, n).Select(_ => random.Next(classes)).ToArray();
            var predicted = Enumerable.Range(0, n).Select(_ => random.Next(clusters)).ToArray();
            Assert.Equal(BruteForceAccuracy(truth, predicted), ClusteringAgreement.Accuracy(truth, predicted), 12);
        }
    }

    private static double BruteForceAccuracy(int[] truth, int[] predicted)
    {
        var classes = truth.Distinct().ToArray();
        var clusters = predicted.Distinct().ToArray();
        int best = 0;
        // Every injective map from clusters to classes (or the reverse), padded with "unmatched".
        void Search(int k, Dictionary<int, int> map, HashSet<int> usedClasses)
        {
            if (k == clusters.Length)
            {
                best = Math.Max(best, truth.Where((t, i) => map.TryGetValue(predicted[i], out var c) && c == t).Count());
                return;
            }
            Search(k + 1, map, usedClasses);
            foreach (var c in classes.Where(c => !usedClasses.Contains(c)))
            {
                map[clusters[k]] = c;
                usedClasses.Add(c);
                Search(k + 1, map, usedClasses);
                usedClasses.Remove(c);
                map.Remove(clusters[k]);
            }
        }
        Search(0, new Dictionary<int, int>(), new HashSet<int>());
        return (double)best / truth.Length;
    }

    [Fact]
    public void Mismatched_or_empty_inputs_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ClusteringAgreement.Accuracy([1, 2, 3], [1, 2]));
        Assert.Contains("3 rows", e.Message);
        Assert.Contains("2", e.Message);
        Assert.Throws<ArgumentException>(() => ClusteringAgreement.NormalizedMutualInformation([], []));
    }
}
