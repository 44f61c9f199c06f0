namespace MLNet.Autoencoders.Onnx;

/// <summary>
/// The saved form of a fitted autoencoder: one ONNX model.
/// <para>Format version 4, written for every kind (version 3 wrote VAEs and convolutional models, version 2 fully connected
/// autoencoders, version 1 wrote the error as a rank-0 tensor, which ML.NET's OnnxTransformer cannot read; all are still read):</para>
/// <list type="bullet">
/// <item>producer_name "MLNet.Autoencoders"; opset 13; IR version 7.</item>
/// <item>Graph input: the input column, float [D] (single-row form, what ML.NET's OnnxTransformer serves) or [N, D] (batched form).</item>
/// <item>Graph outputs, each present only when its column was requested: the latent float [L], the reconstruction float [D]
/// and the reconstruction error float [1] (mean squared difference), with a leading N in the batched form.</item>
/// <item>Initializers "encoder.i.weight" [in, out] and "encoder.i.bias"; "decoder.i.weight"/"decoder.i.bias" counted from the latent
/// (no decoder weights when tied: a Transpose node of the mirror encoder weight stands in). Decoder initializers are always kept,
/// even when no output needs them, so a loaded model can still reconstruct. From version 4 on, initializers that no node of
/// the saved graph reads are kept in <c>training_info[0].initialization</c>, an initializer-only graph named
/// "mlnet_autoencoders.unused_weights" (<see cref="ParkedWeights"/>), which ONNX Runtime does not load, so loading prints
/// no "Removing initializer" warnings; versions 2 and 3 kept them in the main graph.</item>
/// <item>A VAE (version 3, description Kind "Vae"): initializers "encoder.i.weight"/"encoder.i.bias" for its hidden layers,
/// the heads "mean.weight"/"mean.bias" and "log_variance.weight"/"log_variance.bias" [hidden, latent], and "decoder.i.*" from
/// the latent (one more than the hidden layers). Outputs: the latent (the mean, or mean + σ·ε with ε from a RandomNormalLike
/// node seeded from the model's seed), optionally the log-variance [L], the reconstruction (decoded mean through a sigmoid for
/// Bernoulli) [D] and the score [1] (negative ELBO at the mean, in nats).</item>
/// <item>A convolutional model (version 3, description with a Convolution entry): initializers "conv.encoder.i.weight"
/// [out, in, k, k] / "conv.encoder.i.bias" and "conv.decoder.j.weight" [in, out, k, k] / "conv.decoder.j.bias" (j from the
/// latent side; no decoder kernels when tied), Conv/ConvTranspose nodes between Reshape nodes; the dense initializers as above
/// start from the flattened feature map.</item>
/// <item>metadata_props: <see cref="FormatVersionKey"/> (an integer) and <see cref="ModelInfoKey"/> (JSON of the columns,
/// architecture, training settings and per-epoch history).</item>
/// </list>
/// A reader accepts every version up to <see cref="FormatVersion"/> and refuses newer ones with a clear error.
/// </summary>
internal static class AutoencoderOnnxFormat
{
    public const string ProducerName = "MLNet.Autoencoders";
    /// <summary>The newest format this library reads, and the one every kind is written with.</summary>
    public const int FormatVersion = 4;
    public const string FormatVersionKey = "mlnet_autoencoders.format_version";
    public const string ModelInfoKey = "mlnet_autoencoders.model_info";

    public static string ProducerVersion =>
        typeof(AutoencoderOnnxFormat).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
