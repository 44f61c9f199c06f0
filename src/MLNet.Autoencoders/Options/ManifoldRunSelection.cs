namespace MLNet.Autoencoders;

/// <summary>Which of the k-means runs on the manifold layout gives the <see cref="DeepClusteringInitialization.Manifold"/>
/// start (see <see cref="DeepClusteringOptions.ManifoldRunSelection"/>). k-means' own choice, the smallest inertia, prefers
/// cutting a wide cluster in two and merging two tight ones: on the layout of all 70,000 Fashion-MNIST latents it kept a
/// 0.57–0.59 accuracy partition while 0.62–0.68 runs were among the 20.</summary>
public enum ManifoldRunSelection
{
    /// <summary>The run whose clusters have the largest modularity on the latent's neighbour graph (Newman 2006): most of
    /// the neighbour weight inside clusters, against what the rows' degrees would put there at random. It rewards
    /// clusters the neighbour graph draws and leans towards clusters of similar total degree, hence of similar size. On
    /// all 70,000 Fashion-MNIST images (equal classes) it kept a 0.61–0.68 start on each of 12 layouts (three pretrained
    /// autoencoders); on classes of 7,000 down to 700 rows it kept 0.56 starts on three layouts, where
    /// <see cref="SmallestDaviesBouldin"/> kept 0.60–0.62 and the smallest inertia 0.60. The default.</summary>
    LargestModularity,

    /// <summary>The run with the smallest Davies–Bouldin index on the layout (Davies &amp; Bouldin 1979): compact clusters whose
    /// centres lie far apart for their spread, with no preference for equal sizes. On all 70,000 Fashion-MNIST images it
    /// kept a 0.61–0.64 start on 7 of 12 layouts and a 0.56–0.59 one on the others; on classes of 7,000 down to 700 rows
    /// it did best (0.60–0.62). Choose it when the groups are known to differ much in size.</summary>
    SmallestDaviesBouldin,
}
