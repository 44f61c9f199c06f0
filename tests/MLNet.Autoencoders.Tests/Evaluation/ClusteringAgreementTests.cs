using MLNet.Autoencoders.Evaluation;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class ClusteringAgreementTests
{
    // Expected values from scikit-learn 1.2.1 (normalized_mutual_info_score, adjusted_rand_score; accuracy from
    // scipy's linear_sum_assignment on sklearn's contingency_matrix), computed once by hand; Python is not needed here.
    public static TheoryData<string, int[], int[], double, double, double> SklearnCases => new()
    {
        { "three classes, one merged", [0, 0, 0, 1, 1, 1, 2, 2, 2], [1, 1, 0, 0, 2, 2, 2, 2, 2], 0.6666666666666666, 0.5451600159416433, 0.26666666666666666 },
        { "4 classes, 3 clusters, negative label", [1, 1, 2, 2, 3, 3, 3, 4], [7, 7, 7, 5, 5, 5, -1, -1], 0.625, 0.5577965290899926, 0.15789473684210525 },
        { "all singletons", [0, 0, 1, 1, 1, 2], [0, 1, 2, 3, 4, 5], 0.5, 0.7216162598446757, 0.0 },
        { "single class", [5, 5, 5, 5], [1, 2, 1, 2], 0.5, 0.0, 0.0 },
        { "renamed clusters", [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], [2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 1.0, 1.0, 1.0 },
    };

    [Theory]
    [MemberData(nameof(SklearnCases))]
    public void MatchesScikitLearn(string name, int[] truth, int[] predicted, double accuracy, double nmi, double ari)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(accuracy, ClusteringAgreement.Accuracy(truth, predicted), 12);
        Assert.Equal(nmi, ClusteringAgreement.NormalizedMutualInformation(truth, predicted), 12);
        Assert.Equal(ari, ClusteringAgreement.AdjustedRandIndex(truth, predicted), 12);
    }

    [Fact]
    public void MatchesScikitLearnOnALargerNoisyClustering()
    {
        // 1,000 rows, 10 classes, 22 clusters (so the Hungarian matching needs padding). The same 31-bit LCG, written in
        // Python, produced the sklearn values: 0.607, 0.5429835771884932, 0.4737974806414641.
        var (truth, predicted) = LcgLabels(1000);
        Assert.Equal(10, truth.Distinct().Count());
        Assert.Equal(22, predicted.Distinct().Count());

        Assert.Equal(0.607, ClusteringAgreement.Accuracy(truth, predicted), 12);
        Assert.Equal(0.5429835771884932, ClusteringAgreement.NormalizedMutualInformation(truth, predicted), 12);
        Assert.Equal(0.4737974806414641, ClusteringAgreement.AdjustedRandIndex(truth, predicted), 12);
    }

    [Fact]
    public void ArePermutationInvariantAndAcceptMlNetKeys()
    {
        var (truth, predicted) = LcgLabels(300);
        // ML.NET's PredictedLabel keys are 1-based; any relabelling of clusters must give the same scores.
        var renamed = predicted.Select(p => 1000 - 3 * p).ToArray();
        Assert.Equal(ClusteringAgreement.Accuracy(truth, predicted), ClusteringAgreement.Accuracy(truth, renamed), 12);
        Assert.Equal(ClusteringAgreement.NormalizedMutualInformation(truth, predicted), ClusteringAgreement.NormalizedMutualInformation(truth, renamed), 12);
        Assert.Equal(ClusteringAgreement.AdjustedRandIndex(truth, predicted), ClusteringAgreement.AdjustedRandIndex(truth, renamed), 12);
        // NMI and ARI are symmetric in their arguments.
        Assert.Equal(ClusteringAgreement.NormalizedMutualInformation(truth, predicted), ClusteringAgreement.NormalizedMutualInformation(predicted, truth), 12);
        Assert.Equal(ClusteringAgreement.AdjustedRandIndex(truth, predicted), ClusteringAgreement.AdjustedRandIndex(predicted, truth), 12);
    }

    [Fact]
    public void DegenerateInputsFollowScikitLearn()
    {
        // sklearn: a single row or two single-group labelings are a perfect match.
        Assert.Equal(1.0, ClusteringAgreement.Accuracy([3], [9]));
        Assert.Equal(1.0, ClusteringAgreement.NormalizedMutualInformation([3], [9]));
        Assert.Equal(1.0, ClusteringAgreement.AdjustedRandIndex([3], [9]));
        Assert.Equal(1.0, ClusteringAgreement.NormalizedMutualInformation([1, 1, 1], [2, 2, 2]));
        Assert.Equal(1.0, ClusteringAgreement.AdjustedRandIndex([1, 1, 1], [2, 2, 2]));
    }

    [Fact]
    public void RejectsMismatchedOrEmptyInput()
    {
        var different = Assert.Throws<ArgumentException>(() => ClusteringAgreement.Accuracy([1, 2, 3], [1, 2]));
        Assert.Contains("3 rows", different.Message);
        Assert.Contains("2", different.Message);
        Assert.Throws<ArgumentException>(() => ClusteringAgreement.NormalizedMutualInformation([1], [1, 2]));
        Assert.Throws<ArgumentException>(() => ClusteringAgreement.AdjustedRandIndex([1, 2], [1]));
        var empty = Assert.Throws<ArgumentException>(() => ClusteringAgreement.AdjustedRandIndex([], []));
        Assert.Contains("no rows", empty.Message);
        Assert.Throws<ArgumentException>(() => ClusteringAgreement.Accuracy([], []));
        Assert.Throws<ArgumentNullException>(() => ClusteringAgreement.NormalizedMutualInformation(null!, [1]));
    }

    [Fact]
    public void AdjustedRandIndexDoesNotOverflowOnLargeInputs()
    {
        // 200,000 rows: n⁴ ≈ 1.6e21 overflows a long, so the pair counts need wider integers.
        int n = 200_000;
        var truth = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        var predicted = Enumerable.Range(0, n).Select(i => i < 10 ? 1 - i % 2 : i % 2).ToArray();
        // sklearn (exact Python integers): 0.9998000090000401.
        Assert.Equal(0.9998000090000401, ClusteringAgreement.AdjustedRandIndex(truth, predicted), 12);
    }

    // Mirrors the Python generator used for the expected values: state = (state * 1103515245 + 12345) mod 2³¹, draw = state >> 16.
    private static (int[] Truth, int[] Predicted) LcgLabels(int count)
    {
        long state = 2024;
        int Next()
        {
            state = (state * 1103515245 + 12345) % (1L << 31);
            return (int)(state >> 16);
        }
        var truth = new int[count];
        var predicted = new int[count];
        for (int k = 0; k < count; k++)
        {
            int c = Next() % 10;
            truth[k] = c;
            // 60%: a relabelled class; otherwise one of 12 unrelated clusters.
            predicted[k] = Next() % 10 < 6 ? (c * 7 + 3) % 13 : Next() % 12 + 100;
        }
        return (truth, predicted);
    }
}
