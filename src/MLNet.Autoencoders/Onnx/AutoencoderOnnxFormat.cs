namespace MLNet.Autoencoders.Onnx;

/// <summary>
/// The saved form of a fitted autoencoder: one ONNX model.
/// <para>Format (version 2; version 1 wrote the error as a rank-0 tensor, which ML.NET's OnnxTransformer cannot read):</para>
/// <list type="bullet">
/// <item>producer_name "MLNet.Autoencoders"; opset 13; IR version 7.</item>
/// <item>Graph input: the input column, float [D] (single-row form, what ML.NET's OnnxTransformer serves) or [N, D] (batched form).</item>
/// <item>Graph outputs, each present only when its column was requested: the latent float [L], the reconstruction float [D]
/// and the reconstruction error float [1] (mean squared difference), with a leading N in the batched form.</item>
/// <item>Initializers "encoder.i.weight" [in, out] and "encoder.i.bias"; "decoder.i.weight"/"decoder.i.bias" counted from the latent
/// (no decoder weights when tied: a Transpose node of the mirror encoder weight stands in). Decoder initializers are always kept,
/// even when no output needs them, so a loaded model can still reconstruct.</item>
/// <item>metadata_props: <see cref="FormatVersionKey"/> (an integer) and <see cref="ModelInfoKey"/> (JSON of the columns,
/// architecture, training settings and per-epoch history).</item>
/// </list>
/// A reader accepts every version up to <see cref="FormatVersion"/> and refuses newer ones with a clear error.
/// </summary>
internal static class AutoencoderOnnxFormat
{
    public const string ProducerName = "MLNet.Autoencoders";
    public const int FormatVersion = 2;
    public const string FormatVersionKey = "mlnet_autoencoders.format_version";
    public const string ModelInfoKey = "mlnet_autoencoders.model_info";

    public static string ProducerVersion =>
        typeof(AutoencoderOnnxFormat).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
