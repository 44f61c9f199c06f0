namespace MLNet.Autoencoders;

/// <summary>
/// Options of <see cref="AutoencoderOnnxExportExtensions.ConvertToOnnxWithAutoencoders(Microsoft.ML.ModelOperationsCatalog, Microsoft.ML.ITransformer, Microsoft.ML.IDataView, Stream, OnnxPipelineExportOptions)"/>.
/// </summary>
public sealed class OnnxPipelineExportOptions
{
    /// <summary>Before writing, score <see cref="ValidationRows"/> rows of the input data with ONNX Runtime and with the
    /// ML.NET model, and fail (writing nothing) if any output differs by more than <see cref="Tolerance"/>. Default false.</summary>
    public bool Validate { get; set; }

    /// <summary>How many rows (the first ones of the input data) <see cref="Validate"/> compares. Default 16.</summary>
    public int ValidationRows { get; set; } = 16;

    /// <summary>Largest accepted difference when validating: |ONNX − ML.NET| ≤ Tolerance × max(1, |ML.NET|), so absolute
    /// for values up to 1 and relative above. Default 1e-4. Text and key values must be equal.</summary>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>The columns to output (each becomes the tensor <c>Column.output</c>). Null (default): every visible column
    /// of the pipeline's output that ONNX can hold, as ML.NET's own <c>ConvertToOnnx</c> does. Only the inputs and steps
    /// these outputs need stay in the model.</summary>
    public IReadOnlyList<string>? OutputColumnNames { get; set; }
}
