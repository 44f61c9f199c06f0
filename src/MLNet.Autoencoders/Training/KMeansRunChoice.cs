namespace MLNet.Autoencoders.Training;

/// <summary>Which of several k-means runs <see cref="LatentKMeans.Fit"/> keeps.</summary>
internal enum KMeansRunChoice
{
    /// <summary>The run with the smallest inertia, k-means' own objective (the DEC/IDEC papers' start).</summary>
    SmallestInertia,

    /// <summary>The run with the smallest Davies–Bouldin index (Davies &amp; Bouldin 1979): compact clusters whose centres are
    /// far apart for their spread. Inertia rewards splitting a wide cluster and merging two tight ones; on a manifold layout
    /// that is the wrong trade (see <see cref="ManifoldStart"/>).</summary>
    SmallestDaviesBouldin,
}
