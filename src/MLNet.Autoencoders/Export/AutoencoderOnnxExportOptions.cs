namespace MLNet.Autoencoders;

/// <summary>
/// What <see cref="AutoencoderTransformer.ExportToOnnx(Stream, AutoencoderOnnxExportOptions?)"/> writes.
/// </summary>
/// <remarks>
/// <para>The exported graph has one float input named after the transformer's input column. Each output is named after its
/// column (<see cref="AutoencoderTransformer.OutputColumnName"/>, <see cref="AutoencoderTransformer.ReconstructionColumnName"/>,
/// <see cref="AutoencoderTransformer.ReconstructionErrorColumnName"/>); an output the transformer was fitted without is
/// named <c>Reconstruction</c> or <c>ReconstructionError</c>, and an output whose name equals the input's gets the suffix
/// <c>.output</c> (ONNX forbids a tensor that is both).</para>
/// <para>The model is for serving: it holds only the weights its outputs need, and its metadata describes the
/// architecture (<c>mlnet_autoencoders.model_info</c>) but it is not a saved autoencoder that
/// <see cref="AutoencoderTransformer.Load(Microsoft.ML.MLContext, string, string?)"/> reads.</para>
/// </remarks>
public sealed class AutoencoderOnnxExportOptions
{
    /// <summary>The ONNX opset the model is written at, when no other value is set: 13.</summary>
    public const int DefaultOpsetVersion = 13;

    /// <summary>Output the latent vector (float [N, latent]). Default true.</summary>
    public bool IncludeLatent { get; set; } = true;

    /// <summary>Output the reconstruction (float [N, input size]). Null (default): when the transformer was fitted with a
    /// reconstruction column.</summary>
    public bool? IncludeReconstruction { get; set; }

    /// <summary>Output the per-row mean squared reconstruction error (float [N, 1]). Null (default): when the transformer
    /// was fitted with a reconstruction-error column.</summary>
    public bool? IncludeReconstructionError { get; set; }

    /// <summary>Default-domain ONNX opset of the model: <see cref="DefaultOpsetVersion"/> (13) unless set. The autoencoder's
    /// graph can be written at any opset from 9 to 17 (its operators mean the same across that range); IR version 7.</summary>
    public int OpsetVersion { get; set; } = DefaultOpsetVersion;

    /// <summary>True (default): tensors have a leading symbolic batch dimension <c>N</c> ([N, D]), for scoring many rows
    /// per call. False: one row per call ([D]), the form ML.NET's <c>OnnxTransformer</c> serves.</summary>
    public bool Batched { get; set; } = true;
}
