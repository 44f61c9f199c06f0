namespace MLNet.Autoencoders;

/// <summary>
/// Everything that shapes a <see cref="DeepClusteringTrainer"/> (IDEC: Guo, Gao, Liu &amp; Yin 2017, "Improved Deep Embedded
/// Clustering with Local Structure Preservation"): the columns, the autoencoder, its pretraining, and the clustering phase.
/// Pass it to <c>mlContext.Clustering.Trainers.DeepClustering(options)</c>.
/// </summary>
/// <remarks>The defaults follow the papers: a d-500-500-2000-10 autoencoder pretrained for 50 epochs, starting clusters from
/// its latent's manifold (N2D, McConville et al. 2020: k-means on its UMAP layout, 20 neighbours), then at most 30 epochs of reconstruction + 0.1 · KL(P ‖ Q) with Student's t (α = 1), the target P recomputed
/// every 140 iterations, stopping when fewer than 0.1% of the assignments change between two target updates.</remarks>
public sealed class DeepClusteringOptions
{
    /// <summary>The input column: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DeepClusteringTrainer.Defaults.FeatureColumnName;

    /// <summary>Number of clusters k (at least 2, at most the number of rows). Default 10.</summary>
    public int NumberOfClusters { get; set; } = DeepClusteringTrainer.Defaults.NumberOfClusters;

    /// <summary>The column that receives the clustering latent (known-size vector of Single of length <see cref="LatentDimension"/>);
    /// <c>Score</c> holds the squared distances to the centres in this space. Default "Latent".</summary>
    public string LatentColumnName { get; set; } = DeepClusteringTrainer.Defaults.LatentColumnName;

    /// <summary>Optional column that receives the soft assignment Q: for each cluster j, (1 + d_j / α)^(−(α+1)/2) normalised to
    /// sum 1 over the clusters, d_j being the <c>Score</c> value. Null (default): not produced.</summary>
    public string? SoftAssignmentColumnName { get; set; }

    /// <summary>Start from this fitted autoencoder (fully connected, reading a column of the same size) instead of pretraining
    /// one; it is not changed. When set, <see cref="HiddenLayerSizes"/>, <see cref="LatentDimension"/>, <see cref="PretrainingEpochs"/>
    /// and <see cref="PretrainingCorruption"/> are not used. Default null: pretrain.</summary>
    public AutoencoderTransformer? PretrainedAutoencoder { get; set; }

    /// <summary>Sizes of the encoder's hidden layers (the decoder mirrors them). Default { 500, 500, 2000 }.</summary>
    public int[] HiddenLayerSizes { get; set; } = (int[])DeepClusteringTrainer.Defaults.HiddenLayerSizes.Clone();

    /// <summary>Size of the latent in which the clusters live. Default 10.</summary>
    public int LatentDimension { get; set; } = DeepClusteringTrainer.Defaults.LatentDimension;

    /// <summary>Epochs of autoencoder pretraining (mean squared error, Adam). Default 50.</summary>
    public int PretrainingEpochs { get; set; } = DeepClusteringTrainer.Defaults.PretrainingEpochs;

    /// <summary>Pretrain a denoising autoencoder with this corruption (as DEC's stacked denoising pretraining, Xie et al. 2016,
    /// and Vincent et al. 2010), with <see cref="PretrainingNoiseLevel"/>. Null (default): a plain autoencoder.</summary>
    public CorruptionKind? PretrainingCorruption { get; set; }

    /// <summary>The Gaussian noise's standard deviation, or the fraction of values masked or set to salt and pepper, when
    /// <see cref="PretrainingCorruption"/> is set. Default 0.2 (DEC's dropout rate).</summary>
    public double PretrainingNoiseLevel { get; set; } = DeepClusteringTrainer.Defaults.PretrainingNoiseLevel;

    /// <summary>How the starting clusters are found on the pretrained latent. Default <see cref="DeepClusteringInitialization.Manifold"/>
    /// (N2D: k-means on the UMAP layout of the latent); <see cref="DeepClusteringInitialization.KMeans"/> is DEC's and IDEC's k-means.</summary>
    public DeepClusteringInitialization Initialization { get; set; } = DeepClusteringTrainer.Defaults.Initialization;

    /// <summary>Neighbours per row in the manifold layout's graph (UMAP's n_neighbors) when <see cref="Initialization"/> is
    /// <see cref="DeepClusteringInitialization.Manifold"/>: fewer keeps finer local structure, more a more global one. On
    /// 8,000 Fashion-MNIST rows 40 neighbours gave deep clustering 0.665 / 0.669 / 0.660 accuracy where 20 gave 0.611 /
    /// 0.624 / 0.606 (three seeds; tests/MLNet.Autoencoders.Benchmarks/DEEP-CLUSTERING.md); on all 70,000 images 40 and 20 (N2D's value) clustered alike
    /// (0.614 and 0.620 accuracy, seed 0) and 20 starts faster. At least 2. Default null: 40 up to 10,000 rows, 20 above.</summary>
    public int? ManifoldNeighbors { get; set; }

    /// <summary>How many UMAP layouts of the pretrained latent the <see cref="DeepClusteringInitialization.Manifold"/> start
    /// draws; the <see cref="KMeansInitializations"/> k-means runs on each are ranked together by
    /// <see cref="ManifoldRunSelection"/>. A layout is a draw: on a few thousand rows two layouts of one latent can give
    /// starts 0.06 apart in accuracy, and picking across three layouts was steadier (8,000 Fashion-MNIST rows, three
    /// seeds: accuracy 0.607 / 0.665 / 0.637 against 0.607 / 0.638 / 0.609 on average for one layout;
    /// tests/MLNet.Autoencoders.Benchmarks/DEEP-CLUSTERING.md). On all 70,000 images one layout's pick was already at least 0.61 on 12 layouts of 12, so large data
    /// draws one. Each layout costs as much as the first (about 8 s on 8,000 rows, 2 cores). Default null: 3 layouts up to
    /// 10,000 rows (where UMAP also runs 500 epochs instead of 200), 1 above.</summary>
    public int? ManifoldLayouts { get; set; }

    /// <summary>Which of the <see cref="KMeansInitializations"/> k-means runs on the manifold layout gives the start, when
    /// <see cref="Initialization"/> is <see cref="DeepClusteringInitialization.Manifold"/>. Default
    /// <see cref="ManifoldRunSelection.LargestModularity"/> (clusters the latent's neighbour graph draws; it leans towards
    /// similar sizes); <see cref="ManifoldRunSelection.SmallestDaviesBouldin"/> when the groups differ much in size.</summary>
    public ManifoldRunSelection ManifoldRunSelection { get; set; } = DeepClusteringTrainer.Defaults.ManifoldRunSelection;

    /// <summary>Whether the clusters are taken to hold about equally many rows. When true, the
    /// <see cref="DeepClusteringInitialization.Manifold"/> start gives its centres equal shares of the rows (an equal-size
    /// assignment to the layout's k-means centres: Sinkhorn–Knopp, as SeLa's equipartition, Asano et al. 2020) instead of
    /// each row's nearest centre. Turn it on only when the groups are known to be of similar size: on all 70,000
    /// Fashion-MNIST images (ten classes of 7,000) it moved accuracy by +0.024, +0.005 and −0.004 over three seeds and cost
    /// 0.04 NMI; on classes of 7,000 down to 700 rows it cut accuracy from 0.61 to 0.47. Default false.</summary>
    public bool BalancedClusters { get; set; } = DeepClusteringTrainer.Defaults.BalancedClusters;

    /// <summary>k-means runs (k-means++ starts) on the pretrained latent (on its manifold layout, for the
    /// <see cref="DeepClusteringInitialization.Manifold"/> start); one of them gives the initial centres: the run with the
    /// smallest inertia on the latent (<see cref="DeepClusteringInitialization.KMeans"/>, as DEC and IDEC), the run
    /// <see cref="ManifoldRunSelection"/> ranks first on the layout (<see cref="DeepClusteringInitialization.Manifold"/>).
    /// Default 20.</summary>
    public int KMeansInitializations { get; set; } = DeepClusteringTrainer.Defaults.KMeansInitializations;

    /// <summary>Weight γ of the clustering loss KL(P ‖ Q) against the reconstruction loss. Default 0.1. 0 would leave the
    /// centres where k-means put them and only keep training the autoencoder, so it must be above 0.</summary>
    public double ClusteringLossWeight { get; set; } = DeepClusteringTrainer.Defaults.ClusteringLossWeight;

    /// <summary>Degrees of freedom α of the Student's t kernel of the soft assignment. Default 1.</summary>
    public double Alpha { get; set; } = DeepClusteringTrainer.Defaults.Alpha;

    /// <summary>Iterations (batches) between two recomputations of the target distribution P over all rows. Default 140.</summary>
    public int UpdateInterval { get; set; } = DeepClusteringTrainer.Defaults.UpdateInterval;

    /// <summary>The clustering phase stops when, at a target update, fewer than this fraction of the rows changed cluster since
    /// the previous update. Default 0.001. 0 never stops early.</summary>
    public double Tolerance { get; set; } = DeepClusteringTrainer.Defaults.Tolerance;

    /// <summary>Most passes over the rows in the clustering phase. Default 30.</summary>
    public int MaximumClusteringEpochs { get; set; } = DeepClusteringTrainer.Defaults.MaximumClusteringEpochs;

    /// <summary>Rows per optimisation step, in pretraining and clustering. Default 256.</summary>
    public int BatchSize { get; set; } = DeepClusteringTrainer.Defaults.BatchSize;

    /// <summary>Adam's learning rate, in pretraining and clustering. Default 1e-3.</summary>
    public double LearningRate { get; set; } = DeepClusteringTrainer.Defaults.LearningRate;

    /// <summary>Seed for weights, shuffling, noise and k-means. Null (default): drawn from the MLContext's seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Threads TorchSharp may use while training (process-wide). Null (default): TorchSharp's own choice.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Called after every pretraining epoch. Null (default): none. The reports also go to <c>MLContext.Log</c>.</summary>
    public Action<EpochReport>? PretrainingCallback { get; set; }

    /// <summary>Called at every target update of the clustering phase (and once at its end) with the fraction of changed
    /// assignments (none while a manifold start holds the target) and the losses. Null (default): none. The reports also go
    /// to <c>MLContext.Log</c>.</summary>
    public Action<DeepClusteringUpdate>? UpdateCallback { get; set; }

    /// <summary>Cancels training between batches (<see cref="OperationCanceledException"/>). Default: none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A copy (the array is cloned; callbacks, token and the pretrained autoencoder are shared).</summary>
    internal DeepClusteringOptions Clone()
    {
        var copy = (DeepClusteringOptions)MemberwiseClone();
        copy.HiddenLayerSizes = HiddenLayerSizes is null ? null! : (int[])HiddenLayerSizes.Clone();
        return copy;
    }
}
