using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// The N2D start of deep clustering (McConville et al. 2020): the latent's fuzzy neighbour graph, its UMAP layout in k
/// dimensions (<see cref="ManifoldEmbedding"/>; on small data several layouts, see
/// <see cref="DeepClusteringOptions.ManifoldLayouts"/>), several k-means runs on each layout, and of those the one that
/// <see cref="ManifoldRunSelection"/> ranks first — by default the largest modularity of its clusters on the neighbour
/// graph; each cluster's centre is then the mean latent of its rows (with equal sizes asked for, the rows are first given
/// to the layout's centres in equal shares: <see cref="EqualSizeAssignment"/>). The clusters follow the latent's manifold,
/// not the straight boundaries k-means draws in the latent.
/// N2D clusters the layout with a Gaussian mixture; on 8,000 Fashion-MNIST latents (umap-learn, three layout starts) k-means
/// on the layout clustered as well and steadier (accuracy 0.646–0.648 against 0.579–0.653), so it is k-means here.
/// Why not the smallest inertia, as k-means itself would choose: on the layouts of all 70,000 Fashion-MNIST latents it kept
/// a 0.57–0.59 partition (sandals merged with sneakers, bags cut in two) while runs of 0.62–0.71 were among the 20. Which
/// criterion does better was measured on 240 runs (three pretrained autoencoders, four layouts each; tests/MLNet.Autoencoders.Benchmarks/DEEP-CLUSTERING.md).
/// </summary>
internal static class ManifoldStart
{
    /// <summary>The start on <paramref name="latent"/> ([N, L]): k clusters, the neighbour graph of <paramref name="neighbors"/>
    /// rows, <paramref name="layouts"/> layouts drawn one after the other from <paramref name="random"/>,
    /// <paramref name="kMeansStarts"/> k-means runs on each, the one <paramref name="selection"/> ranks first over all of
    /// them (ties keep the earlier layout; the first layout and its runs are the same whatever the count).</summary>
    /// <returns>The centres (k × L, row-major), their inertia on the latent, and each row's cluster (0-based).</returns>
    /// <remarks>If the chosen layout's k-means leaves a cluster without rows, k-means on the latent itself gives the centres
    /// and the clusters (as the <see cref="DeepClusteringInitialization.KMeans"/> start, but still held as the target).</remarks>
    public static (float[] Centres, double Inertia, int[] Labels) Fit(Tensor latent, int k, int neighbors, int layouts, int kMeansStarts, ManifoldRunSelection selection, bool equalSizes, Random random, Action checkAlive)
    {
        using var scope = NewDisposeScope();
        int n = (int)latent.shape[0];
        int distinct = DistinctRows(latent);
        if (distinct < k) throw LatentKMeans.TooFewDistinctRows(distinct, k);
        var graph = ManifoldEmbedding.Graph(latent, neighbors, checkAlive);
        Tensor? bestLayout = null, bestCentres = null;
        int[]? bestNearest = null;
        double bestScore = double.NegativeInfinity;
        for (int drawn = 0; drawn < layouts; drawn++)
        {
            var layoutTensor = tensor(ManifoldEmbedding.Layout(latent, graph, k, random, checkAlive)).reshape(n, k);
            using var layout64 = layoutTensor.to_type(ScalarType.Float64);
            // Larger first. Fewer clusters can have the larger modularity: a run that left a cluster empty ranks last. The
            // modularity is on the latent's graph, which every layout shares, so runs of different layouts compare directly.
            double Score(int[] partition) =>
                partition.Distinct().Count() < k ? double.NegativeInfinity
                : selection == ManifoldRunSelection.LargestModularity ? graph.Modularity(partition, k)
                : -LatentKMeans.DaviesBouldin(layout64, partition, k);
            var (layoutCentres, _) = LatentKMeans.Fit(layoutTensor, k, kMeansStarts, random, checkAlive, Score);
            var centresTensor = tensor(layoutCentres).reshape(k, k);
            // Fit ranked its runs by this score but returns only the centres: the winner's partition is scored again to rank
            // it against the other layouts' winners, and kept as the start's labels.
            int[] nearest = LatentKMeans.Assign(layoutTensor, centresTensor);
            double score = Score(nearest);
            if (bestLayout is null || score > bestScore)
                (bestLayout, bestCentres, bestNearest, bestScore) = (layoutTensor, centresTensor, nearest, score);
        }
        int[] labels = equalSizes ? EqualSizeAssignment.Assign(bestLayout!, bestCentres!) : bestNearest!;
        if (labels.Distinct().Count() < k)
        {
            var (centres, inertia) = LatentKMeans.Fit(latent, k, kMeansStarts, random, checkAlive);
            return (centres, inertia, LatentKMeans.Assign(latent, tensor(centres).reshape(k, latent.shape[1])));
        }
        return Means(latent, labels, k);
    }

    /// <summary>How many different rows the latent holds (the layout's seeded noise would otherwise split identical rows
    /// into clusters that share one centre).</summary>
    private static int DistinctRows(Tensor latent)
    {
        int width = (int)latent.shape[1];
        var values = latent.to_type(ScalarType.Float32).data<float>().ToArray();
        var seen = new HashSet<string>();
        for (int offset = 0; offset < values.Length; offset += width)
            seen.Add(Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(offset, width))));
        return seen.Count;
    }

    /// <summary>Each cluster's mean latent row and the sum of squared distances of the rows to their own cluster's mean.</summary>
    private static (float[] Centres, double Inertia, int[] Labels) Means(Tensor latent, int[] labels, int k)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = latent.to_type(ScalarType.Float64);
        var index = tensor(labels).to_type(ScalarType.Int64);
        var (sums, counts) = LatentKMeans.Totals(x, index, k);
        var centres = sums / counts;
        double inertia = (x - centres.index_select(0, index)).pow(2).sum().item<double>();
        return (Activations.ToArray(centres.to_type(ScalarType.Float32)), inertia, labels);
    }
}
