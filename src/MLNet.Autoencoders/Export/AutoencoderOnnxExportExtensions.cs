using Google.Protobuf;
using Microsoft.ML;
using MLNet.Autoencoders.Export;

namespace MLNet.Autoencoders;

/// <summary>
/// ONNX export of fitted ML.NET pipelines that contain this library's transformers, beside ML.NET's own
/// <c>mlContext.Model.ConvertToOnnx</c> (which silently leaves out steps it cannot convert).
/// </summary>
public static class AutoencoderOnnxExportExtensions
{
    /// <summary>
    /// Converts a fitted pipeline that contains autoencoders to one ONNX model and writes it to <paramref name="stream"/>.
    /// Every step is either converted by ML.NET's ONNX converter or, for this library's transformers, spliced in as its own
    /// graph; a step that can be neither makes the call fail with its name, and nothing is written.
    /// </summary>
    /// <param name="catalog"><c>mlContext.Model</c>.</param>
    /// <param name="model">The fitted pipeline: a <c>TransformerChain</c> (chains may nest; the last step may be a prediction
    /// transformer) or a single transformer.</param>
    /// <param name="inputData">Data with the pipeline's input schema. Only its schema is used, and its first rows when
    /// <paramref name="validate"/> is true.</param>
    /// <param name="stream">Receives the ONNX protobuf.</param>
    /// <param name="validate">Score the first 16 rows with ONNX Runtime and with ML.NET before writing, and fail with the
    /// largest difference if any output differs by more than 1e-4 (relative above 1).</param>
    /// <remarks>
    /// <para>The model's inputs are the pipeline's raw input columns that its outputs need, named after the columns. Its
    /// outputs are every visible column of the pipeline's output, named <c>Column.output</c> as ML.NET's converter names them
    /// (the latent, reconstruction and error columns, and the trainer's <c>Score</c> and <c>PredictedLabel</c>, ...).
    /// Batch dimensions are symbolic (<c>N</c>). Opset: that of ML.NET's converter (12, with <c>ai.onnx.ml</c> 2); IR version 7.</para>
    /// <para>Known difference, kept from ML.NET's converter: a clustering trainer's <c>PredictedLabel</c> (k-means) is a
    /// 0-based cluster index in ONNX, where ML.NET's key value is 1-based: ONNX value + 1 = ML.NET value. Keys made by
    /// <c>MapValueToKey</c> agree (1-based in both), and so do labels mapped back with <c>MapKeyToValue</c>.</para>
    /// </remarks>
    /// <exception cref="NotSupportedException">A step can be neither converted nor spliced; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Validation found a difference; the message gives the largest.</exception>
    public static void ConvertToOnnxWithAutoencoders(this ModelOperationsCatalog catalog, ITransformer model, IDataView inputData,
        Stream stream, bool validate = false) =>
        ConvertToOnnxWithAutoencoders(catalog, model, inputData, stream, new OnnxPipelineExportOptions { Validate = validate });

    /// <summary>Converts a fitted pipeline that contains autoencoders to one ONNX model, with options, and writes it to
    /// <paramref name="stream"/>.</summary>
    /// <inheritdoc cref="ConvertToOnnxWithAutoencoders(ModelOperationsCatalog, ITransformer, IDataView, Stream, bool)"/>
    /// <param name="catalog"><c>mlContext.Model</c>.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputData">Data with the pipeline's input schema (its first rows are read only to validate).</param>
    /// <param name="stream">Receives the ONNX protobuf.</param>
    /// <param name="options">Validation and output columns.</param>
    public static void ConvertToOnnxWithAutoencoders(this ModelOperationsCatalog catalog, ITransformer model, IDataView inputData,
        Stream stream, OnnxPipelineExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var onnx = ConvertToOnnxModelWithAutoencoders(catalog, model, inputData, options);
        onnx.WriteTo(stream);
    }

    /// <summary>The same conversion, returning the model as bytes.</summary>
    /// <param name="catalog"><c>mlContext.Model</c>.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputData">Data with the pipeline's input schema.</param>
    /// <param name="options">Validation and output columns; null: defaults.</param>
    /// <returns>The ONNX model's protobuf bytes.</returns>
    public static byte[] ConvertToOnnxBytesWithAutoencoders(this ModelOperationsCatalog catalog, ITransformer model, IDataView inputData,
        OnnxPipelineExportOptions? options = null) =>
        ConvertToOnnxModelWithAutoencoders(catalog, model, inputData, options ?? new OnnxPipelineExportOptions()).ToByteArray();

    internal static global::Onnx.ModelProto ConvertToOnnxModelWithAutoencoders(ModelOperationsCatalog catalog, ITransformer model,
        IDataView inputData, OnnxPipelineExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputData);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ValidationRows < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationRows, "ValidationRows must be at least 1.");
        if (!(options.Tolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be 0 or more.");
        return new PipelineOnnxExporter(catalog, model, inputData, options).Export();
    }
}
