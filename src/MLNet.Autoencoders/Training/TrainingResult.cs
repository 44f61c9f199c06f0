using MLNet.Autoencoders.Networks;

namespace MLNet.Autoencoders.Training;

/// <summary>What training produced: the kept weights, the per-epoch history and which epoch the weights come from.</summary>
internal sealed record TrainingResult(MlpWeights Weights, IReadOnlyList<EpochReport> History, int BestEpoch);
