namespace MLNet.Autoencoders;

/// <summary>How the autoencoder measures the distance between an input and its reconstruction while it trains.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean squared error, for continuous data of any range.</summary>
    MeanSquaredError,
    /// <summary>
    /// Binary cross-entropy between the input and a sigmoid output, for data in [0, 1] such as pixel
    /// intensities (normalize with <c>NormalizeMinMax</c> first). Training refuses values outside [0, 1].
    /// </summary>
    BinaryCrossEntropy,
}
