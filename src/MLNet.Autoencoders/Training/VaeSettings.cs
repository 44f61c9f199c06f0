namespace MLNet.Autoencoders.Training;

/// <summary>The VAE's own training knobs, beside the shared <see cref="TrainingSettings"/>.</summary>
internal sealed record VaeSettings(double Beta, int KlWarmupEpochs);
