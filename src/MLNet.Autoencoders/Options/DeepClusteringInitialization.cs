namespace MLNet.Autoencoders;

/// <summary>How <see cref="DeepClusteringTrainer"/> finds its starting clusters on the pretrained latent.</summary>
public enum DeepClusteringInitialization
{
    /// <summary>The clusters of the latent's manifold (N2D, McConville et al. 2020): UMAP lays the latent out in k dimensions,
    /// k-means clusters that layout (N2D uses a Gaussian mixture: see the README) and of its runs the one
    /// <see cref="DeepClusteringOptions.ManifoldRunSelection"/> ranks first is kept, each centre is its cluster's mean latent; for the first third
    /// of the clustering epochs the target is held at these clusters. The default: on Fashion-MNIST it starts far above
    /// k-means (see the README's deep-clustering table).</summary>
    Manifold,

    /// <summary>The best of <see cref="DeepClusteringOptions.KMeansInitializations"/> k-means runs on the latent (DEC and
    /// IDEC as published).</summary>
    KMeans,
}
