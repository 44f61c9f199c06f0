namespace MLNet.Autoencoders;

/// <summary>The function applied to the decoder's last layer to give the reconstruction.</summary>
public enum OutputActivation
{
    /// <summary>
    /// <see cref="Sigmoid"/> when the loss is binary cross-entropy or every training value lies in [0, 1];
    /// <see cref="Identity"/> otherwise.
    /// </summary>
    Auto,
    /// <summary>No function: the reconstruction can take any value (standardized or unbounded data).</summary>
    Identity,
    /// <summary>Logistic sigmoid: the reconstruction lies in (0, 1) (pixels, min-max normalized data).</summary>
    Sigmoid,
}
