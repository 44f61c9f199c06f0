namespace MLNet.Autoencoders.Training;

/// <summary>A weighted, undirected graph over the rows, each edge listed in both directions (UMAP's fuzzy neighbour graph:
/// <see cref="ManifoldEmbedding.Graph"/>).</summary>
internal sealed record NeighborGraph(int[] Heads, int[] Tails, float[] Weights)
{
    /// <summary>Newman's modularity of a partition (Newman &amp; Girvan 2004; Newman 2006, weighted): the fraction of the
    /// edge weight inside clusters minus the fraction expected if edges joined rows at random with the same degrees,
    /// Σ_c [w_cc / 2m − (d_c / 2m)²]. Larger is better (at most 1); the objective of graph clusterings such as Louvain's.
    /// Unlike an index on coordinates it rewards only what the neighbour graph says: a cluster cut where many
    /// neighbours join it, or two clusters merged where few do, costs modularity.</summary>
    /// <param name="labels">Each row's cluster, 0-based.</param>
    /// <param name="clusters">How many clusters the labels range over.</param>
    public double Modularity(int[] labels, int clusters)
    {
        var within = new double[clusters];
        var degree = new double[clusters];
        double total = 0;
        for (int e = 0; e < Weights.Length; e++)
        {
            double weight = Weights[e];
            int cluster = labels[Heads[e]];
            degree[cluster] += weight;
            if (labels[Tails[e]] == cluster) within[cluster] += weight;
            total += weight;
        }
        if (!(total > 0)) return 0;
        double modularity = 0;
        for (int c = 0; c < clusters; c++) modularity += within[c] / total - Math.Pow(degree[c] / total, 2);
        return modularity;
    }
}
