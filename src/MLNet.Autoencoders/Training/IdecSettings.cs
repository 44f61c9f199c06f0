namespace MLNet.Autoencoders.Training;

/// <summary>The validated knobs of the deep-clustering phase.</summary>
internal sealed record IdecSettings(
    int Clusters,
    double Gamma,
    double Alpha,
    int UpdateInterval,
    double Tolerance,
    int MaximumEpochs,
    int BatchSize,
    double LearningRate,
    int KMeansStarts,
    int Seed,
    ReconstructionLoss Loss,
    DeepClusteringInitialization Initialization,
    int ManifoldNeighbors,
    int ManifoldLayouts,
    ManifoldRunSelection ManifoldRunSelection,
    bool BalancedClusters);
