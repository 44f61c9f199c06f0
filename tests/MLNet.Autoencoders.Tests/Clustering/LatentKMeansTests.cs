using MLNet.Autoencoders.Tests.Support;
using MLNet.Autoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Clustering;

/// <summary>The k-means behind both deep-clustering starts, and how it chooses among its runs.</summary>
public class LatentKMeansTests
{
    private static double DaviesBouldin(float[] rows, int[] labels, int k)
    {
        using var x = tensor(rows).reshape(labels.Length, rows.Length / labels.Length).to_type(ScalarType.Float64);
        return LatentKMeans.DaviesBouldin(x, labels, k);
    }

    [Fact]
    public void The_Davies_Bouldin_index_is_the_mean_worst_ratio_of_spreads_to_separation()
    {
        // Clusters {0, 1, 2} (mean 1, mean distance 2/3) and {10, 12} (mean 11, mean distance 1), 10 apart: both ratios
        // are (2/3 + 1) / 10.
        Assert.Equal((2.0 / 3 + 1) / 10, DaviesBouldin([0, 1, 2, 10, 12], [0, 0, 0, 1, 1], 2), 12);
        // Three clusters: {0, 2} (mean 1, spread 1), {6} (spread 0), {20, 22} (mean 21, spread 1).
        double expected = (Math.Max(1.0 / 5, 2.0 / 20) + Math.Max(1.0 / 5, 1.0 / 15) + Math.Max(2.0 / 20, 1.0 / 15)) / 3;
        Assert.Equal(expected, DaviesBouldin([0, 2, 6, 20, 22], [0, 0, 1, 2, 2], 3), 12);
    }

    [Fact]
    public void An_empty_cluster_makes_the_index_infinite()
    {
        Assert.Equal(double.PositiveInfinity, DaviesBouldin([0, 1, 2, 10, 12], [0, 0, 0, 1, 1], 3));
    }

    [Fact]
    public void Modularity_is_the_weight_inside_clusters_minus_its_expectation_from_the_degrees()
    {
        // Edges 0–1 (weight 1), 2–3 (1) and 1–2 (0.5), each listed both ways: 2m = 5, degrees 1, 1.5, 1.5, 1.
        var graph = new NeighborGraph([0, 1, 2, 3, 1, 2], [1, 0, 3, 2, 2, 1], [1, 1, 1, 1, 0.5f, 0.5f]);
        // {0, 1}, {2, 3}: 2/5 + 2/5 − (2.5/5)² − (2.5/5)².
        Assert.Equal(0.3, graph.Modularity([0, 0, 1, 1], 2), 12);
        // One cluster: all the weight inside, as expected at random.
        Assert.Equal(0, graph.Modularity([0, 0, 0, 0], 1), 12);
        // {0}, {1, 2, 3}: 0 + 3/5 − (1/5)² − (4/5)², below a random split.
        Assert.Equal(-0.08, graph.Modularity([0, 1, 1, 1], 2), 12);
    }

    [Fact]
    public void Modularity_keeps_the_run_that_inertia_trades_for_splitting_a_wide_cluster()
    {
        // Three clusters of 200 rows: a wide one (σ = 2) and two tight ones (σ = 0.2) 1.5 apart. Splitting the wide one and
        // merging the tight pair has the smaller inertia (about 530 against 820); the three true clusters have the larger
        // modularity on the rows' 10-neighbour graph (about 0.67 against 0.5): no neighbour joins the tight pair, many join
        // the wide one's halves, and modularity expects a merged pair of a third of the rows each to share many neighbours.
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
        Cluster(200, 0, 2, 0);
        Cluster(200, 10, 0.2, 1);
        Cluster(200, 11.5, 0.2, 2);
        using var x = tensor(rows.ToArray()).reshape(rows.Count, 1);

        var (byInertia, inertiaOfInertiaRun) = LatentKMeans.Fit(x, 3, 20, new Random(1), () => { });
        var graph = ManifoldEmbedding.Graph(x, 10, () => { });
        var (byModularity, inertiaOfModularityRun) = LatentKMeans.Fit(x, 3, 20, new Random(1), () => { }, labels => graph.Modularity(labels, 3));

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
        Assert.True(inertiaOfInertiaRun < inertiaOfModularityRun, $"inertia {inertiaOfInertiaRun} vs {inertiaOfModularityRun}");
        Assert.True(Agreement(byModularity) > 0.95, $"modularity run agrees {Agreement(byModularity):F3}");
        Assert.True(Agreement(byInertia) < 0.9, $"inertia run agrees {Agreement(byInertia):F3}");
    }
}
