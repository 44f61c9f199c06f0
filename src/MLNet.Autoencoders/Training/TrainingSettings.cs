namespace MLNet.Autoencoders.Training;

/// <summary>The validated knobs of the training loop, shared by every autoencoder kind.</summary>
internal sealed record TrainingSettings(
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double ValidationFraction,
    int EarlyStoppingPatience,
    int Seed,
    int? NumberOfThreads,
    ReconstructionLoss Loss,
    Pretraining Pretraining,
    int PretrainingEpochsPerLayer);
