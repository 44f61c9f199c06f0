namespace MLNet.Autoencoders.Onnx;

/// <summary>Names of a VAE graph's input and outputs; a null output is not produced.</summary>
internal sealed record VaeTensorNames(string Input, string Latent, string? LogVariance, string? Reconstruction, string? Score)
{
    /// <summary>Fixed names for the library's own batched session.</summary>
    public static VaeTensorNames Internal { get; } = new("input", "latent", "log_variance", "reconstruction", "score");
}
