namespace MLNet.Autoencoders.Onnx;

/// <summary>Names of the ONNX graph's input and outputs; a null output is not produced.</summary>
internal sealed record OnnxTensorNames(string Input, string Latent, string? Reconstruction, string? ReconstructionError)
{
    /// <summary>Fixed names for the library's own batched session, where ML.NET column names do not matter.</summary>
    public static OnnxTensorNames Internal { get; } = new("input", "latent", "reconstruction", "reconstruction_error");
}
