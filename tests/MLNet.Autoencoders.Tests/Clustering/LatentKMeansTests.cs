using MLNet.Autoencoders.Tests.Support;
using MLNet.Autoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Clustering;

/// <summary>The k-means behind both deep-clustering starts, and how it chooses among its runs.</summary>
public class LatentKMeansTests
{
    private static double DaviesBouldin(float[] rows, int width, float[] centres)
    {
        using var x = tensor(rows).reshape(rows.Length / width, width).to_type(ScalarType.Float64);
        using var norms = x.pow(2).sum(1);
        using var c = tensor(centres).reshape(centres.Length / width, width).to_type(ScalarType.Float64);
        return LatentKMeans.DaviesBouldin(x, norms, c);
    }

    [Fact]
    public void The_Davies_Bouldin_index_is_the_mean_worst_ratio_of_spreads_to_separation()
    {
        // Clusters {0, 1, 2} (mean 1, mean distance 2/3) and {10, 12} (mean 11, mean distance 1), 10 apart: both ratios
        // are (2/3 + 1) / 10. The centres passed only decide the partition; the index uses the clusters' own means.
        float[] rows = [0, 1, 2, 10, 12];
        Assert.Equal((2.0 / 3 + 1) / 10, DaviesBouldin(rows, 1, [0.5f, 12]), 12);
        // Three clusters: {0, 2} (mean 1, spread 1), {6} (spread 0), {20, 22} (mean 21, spread 1).
        float[] three = [0, 2, 6, 20, 22];
        double expected = (Math.Max(1.0 / 5, 2.0 / 20) + Math.Max(1.0 / 5, 1.0 / 15) + Math.Max(2.0 / 20, 1.0 / 15)) / 3;
        Assert.Equal(expected, DaviesBouldin(three, 1, [1, 6, 21]), 12);
    }

    [Fact]
    public void An_empty_cluster_makes_the_index_infinite()
    {
        Assert.Equal(double.PositiveInfinity, DaviesBouldin([0, 1, 2, 10, 12], 1, [1, 11, 100]));
    }

    [Fact]
    public void Davies_Bouldin_keeps_the_run_that_inertia_trades_for_splitting_a_wide_cluster()
    {
        // One wide cluster (σ = 2, 400 rows) and two tight ones (σ = 0.2, 100 rows each) 3 apart. Splitting the wide one
        // and merging the tight pair has the smaller inertia (about 1,040 against 1,600); the three true clusters have the
        // smaller Davies–Bouldin index (about 0.2 against more than 0.5).
        var random = new Random(4);
        var rows = new List<float>();
        var truth = new List<int>();
        void Cluster(int count, double centre, double sigma, int label)
        {
            for (int i = 0; i < count; i++)
            {
                rows.Add((float)(centre + sigma * SyntheticData.Gaussian(random)));
                truth.Add(label);
            }
        }
        Cluster(400, 0, 2, 0);
        Cluster(100, 10, 0.2, 1);
        Cluster(100, 13, 0.2, 2);
        using var x = tensor(rows.ToArray()).reshape(rows.Count, 1);

        var (byInertia, inertiaOfInertiaRun) = LatentKMeans.Fit(x, 3, 20, new Random(1), () => { });
        var (byIndex, inertiaOfIndexRun) = LatentKMeans.Fit(x, 3, 20, new Random(1), () => { }, KMeansRunChoice.SmallestDaviesBouldin);

        double Agreement(float[] centres)
        {
            using var c = tensor(centres).reshape(3, 1);
            var labels = LatentKMeans.Assign(x, c);
            // Pairs of rows put together (or apart) by both the truth and the labels: 1 for the same partition.
            int same = 0, pairs = 0;
            for (int i = 0; i < labels.Length; i += 3)
                for (int j = i + 1; j < labels.Length; j += 7, pairs++)
                    if ((labels[i] == labels[j]) == (truth[i] == truth[j])) same++;
            return (double)same / pairs;
        }
        Assert.True(inertiaOfInertiaRun < inertiaOfIndexRun, $"inertia {inertiaOfInertiaRun} vs {inertiaOfIndexRun}");
        Assert.True(Agreement(byIndex) > 0.95, $"Davies–Bouldin run agrees {Agreement(byIndex):F3}");
        Assert.True(Agreement(byInertia) < 0.9, $"inertia run agrees {Agreement(byInertia):F3}");
    }
}
