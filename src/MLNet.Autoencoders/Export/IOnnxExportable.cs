using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>
/// The splice point of ONNX export: a fitted featurizer of this library (autoencoder, denoising autoencoder; later the VAE
/// and the convolutional autoencoder) that reads one known-size vector of Single and writes known-size vectors of Single,
/// and can hand over its inference graph with tensor names chosen by the caller.
/// <see cref="PipelineOnnxExporter"/> splices that graph between the parts of a pipeline that ML.NET's own converter
/// converts; <see cref="FeaturizerOnnxExporter"/> writes it alone.
/// </summary>
internal interface IOnnxExportable
{
    /// <summary>What the featurizer is, for messages ("autoencoder").</summary>
    string ExportName { get; }

    /// <summary>The column the featurizer reads.</summary>
    string InputColumnName { get; }

    /// <summary>Number of values in an input row.</summary>
    int InputSize { get; }

    /// <summary>Every output the graph can compute. Those with a <see cref="OnnxExportOutput.ColumnName"/> are the columns
    /// <c>Transform</c> adds, in that order.</summary>
    IReadOnlyList<OnnxExportOutput> ExportOutputs { get; }

    /// <summary>Lowest default-domain opset the graph can be written at.</summary>
    int MinimumOpset { get; }

    /// <summary>Highest default-domain opset the graph can be written at.</summary>
    int MaximumOpset { get; }

    /// <summary>Builds the inference graph: one float input named <paramref name="inputTensor"/> ([N, InputSize] when
    /// <paramref name="batched"/>, else [InputSize]) and exactly the outputs named in <paramref name="outputTensors"/>
    /// (key of <see cref="OnnxExportOutput.Key"/> → tensor name), each float [N, Width] (or [Width]). The model imports the
    /// default domain at <paramref name="opset"/>, which lies in [<see cref="MinimumOpset"/>, <see cref="MaximumOpset"/>].
    /// Other tensor and initializer names are the featurizer's own; callers rename them as they need.</summary>
    ModelProto BuildInferenceModel(string inputTensor, IReadOnlyDictionary<string, string> outputTensors, int opset, bool batched);
}
