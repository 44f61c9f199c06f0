using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>
/// Exports a fitted pipeline to one ONNX model. The chain is flattened and split at this library's featurizers
/// (<see cref="IOnnxExportable"/>); each run of ML.NET steps between them is converted by ML.NET's converter over a view
/// of the columns at that point (<see cref="VisibleColumnsDataView"/>), and the graphs are spliced in pipeline order
/// (<see cref="OnnxGraphAssembler"/>). Every ML.NET step is first converted alone and checked, because ML.NET's converter
/// silently leaves out a step it cannot convert and every step before it.
/// </summary>
internal sealed class PipelineOnnxExporter
{
    /// <summary>Suffix of every output tensor, as ML.NET's converter names its outputs.</summary>
    public const string OutputSuffix = ".output";

    /// <summary>Metadata key listing the key-typed outputs that are 0-based in ONNX where ML.NET's keys are 1-based.</summary>
    public const string ZeroBasedKeysKey = "mlnet_autoencoders.zero_based_keys";

    private const string WalkbackWarning = "cannot save itself as ONNX";

    private readonly ModelOperationsCatalog catalog;
    private readonly ITransformer model;
    private readonly IDataView inputData;
    private readonly OnnxPipelineExportOptions options;

    public PipelineOnnxExporter(ModelOperationsCatalog catalog, ITransformer model, IDataView inputData, OnnxPipelineExportOptions options)
    {
        this.catalog = catalog;
        this.model = model;
        this.inputData = inputData;
        this.options = options;
    }

    private sealed record Step(ITransformer Transformer, string Description);

    private sealed class Segment
    {
        public required List<Step> Steps { get; init; }
        public IOnnxExportable? Featurizer { get; init; }
        public required IDataView Input { get; init; }
        public ModelProto? Converted { get; set; }
        public DataViewSchema? OutputSchema { get; set; }
        public string Description => Steps.Count == 1 ? Steps[0].Description : $"{Steps[0].Description} to {Steps[^1].Description}";
    }

    public ModelProto Export()
    {
        var transformers = new List<ITransformer>();
        Flatten(model, transformers);
        if (transformers.Count == 0)
            throw new ArgumentException("The model has no steps to export.", nameof(model));
        var steps = transformers.Select((t, i) => new Step(t, $"step {i + 1} of {transformers.Count} ({Describe(t)})")).ToList();

        // Split at the featurizers, checking and converting the ML.NET runs on the way.
        var segments = new List<Segment>();
        var zeroBasedKeys = new HashSet<string>();
        IDataView view = inputData;
        Segment? run = null;
        foreach (var step in steps)
        {
            if (step.Transformer is IOnnxExportable featurizer)
            {
                run = null;
                segments.Add(new Segment { Steps = [step], Featurizer = featurizer, Input = view });
                view = Transform(step, view);
                foreach (var output in featurizer.ExportOutputs.Where(o => o.ColumnName is not null))
                    zeroBasedKeys.Remove(output.ColumnName!);
                continue;
            }
            if (run is null)
            {
                run = new Segment { Steps = [], Input = view };
                segments.Add(run);
            }
            run.Steps.Add(step);
            foreach (var (column, zeroBased) in CheckConvertible(step, view))
            {
                if (zeroBased) zeroBasedKeys.Add(column);
                else zeroBasedKeys.Remove(column);
            }
            view = Transform(step, view);
        }
        foreach (var segment in segments.Where(s => s.Featurizer is null))
            Convert(segment);

        // One default-domain opset for all: ML.NET's converter's (12 today); our graphs are written at it.
        int opset = segments.Where(s => s.Converted is not null)
            .Select(s => (int)s.Converted!.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max())
            .DefaultIfEmpty(AutoencoderOnnxExportOptions.DefaultOpsetVersion).Max();

        var assembler = new OnnxGraphAssembler(inputData.Schema);
        foreach (var segment in segments)
        {
            if (segment.Featurizer is { } featurizer)
                SpliceFeaturizer(assembler, segment, featurizer, opset);
            else
                SpliceConverted(assembler, segment);
        }

        // Outputs: the chosen columns, else every visible column of the pipeline's output that ONNX can hold.
        var finalSchema = view.Schema;
        var outputs = new Dictionary<string, string>();
        if (options.OutputColumnNames is { } chosen)
        {
            if (chosen.Count == 0)
                throw new ArgumentException("OutputColumnNames is empty: name at least one column, or leave it null for all.", nameof(options));
            foreach (var column in chosen.Distinct())
            {
                if (finalSchema.GetColumnOrNull(column) is not { IsHidden: false })
                    throw new ArgumentException($"Output column '{column}' is not a column of the pipeline's output.", nameof(options));
                if (!assembler.AddOutput(column, column + OutputSuffix))
                    throw new NotSupportedException($"Output column '{column}' has type {finalSchema[column].Type}, which ONNX cannot hold.");
                outputs[column + OutputSuffix] = column;
            }
        }
        else
        {
            foreach (var column in finalSchema.Where(c => !c.IsHidden))
                if (assembler.AddOutput(column.Name, column.Name + OutputSuffix))
                    outputs[column.Name + OutputSuffix] = column.Name;
        }
        if (outputs.Count == 0)
            throw new NotSupportedException("The pipeline's output has no column ONNX can hold.");

        var result = new ModelProto
        {
            IrVersion = Math.Max(OnnxGraphBuilder.IrVersion, assembler.IrVersion),
            ProducerName = AutoencoderOnnxFormat.ProducerName,
            ProducerVersion = AutoencoderOnnxFormat.ProducerVersion,
            Graph = assembler.Graph,
        };
        foreach (var (domain, version) in assembler.Opsets.OrderBy(p => p.Key, StringComparer.Ordinal))
            result.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = domain.Length == 0 ? opset : version });
        result.MetadataProps.Add(new StringStringEntryProto { Key = FeaturizerOnnxExporter.ExportKey, Value = "pipeline: " + string.Join("; ", steps.Select(s => s.Description)) });
        var zeroBasedOutputs = zeroBasedKeys.Where(outputs.ContainsValue).Order(StringComparer.Ordinal).ToArray();
        if (zeroBasedOutputs.Length > 0)
            result.MetadataProps.Add(new StringStringEntryProto { Key = ZeroBasedKeysKey, Value = string.Join(",", zeroBasedOutputs) });

        OnnxModelEditing.SymbolicBatchDimensions(result.Graph);
        OnnxModelEditing.Prune(result.Graph);
        OnnxModelChecker.ThrowIfInvalid(result, "exported pipeline");

        if (options.Validate)
            OnnxPipelineValidator.Validate(result, model, inputData, outputs, zeroBasedKeys, options.ValidationRows, options.Tolerance);
        return result;
    }

    private static IDataView Transform(Step step, IDataView view)
    {
        try
        {
            return step.Transformer.Transform(view);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"The input data does not fit {step.Description}: {e.Message}", nameof(inputData), e);
        }
    }

    /// <summary>Converts <paramref name="step"/> alone over the columns at its place and fails, naming it, when ML.NET's
    /// converter cannot convert it or leaves it out. Returns the key columns it writes and whether ONNX holds them 0-based.</summary>
    private IEnumerable<(string Column, bool ZeroBased)> CheckConvertible(Step step, IDataView view)
    {
        var input = new VisibleColumnsDataView(view);
        var output = step.Transformer.GetOutputSchema(input.Schema);
        // A step keeps its input columns (a replaced one stays, hidden): a column is written when it is new, or when the
        // output also holds a hidden column of that name.
        var written = output.Where(c => !c.IsHidden
                && (input.Schema.GetColumnOrNull(c.Name) is null || output.Count(o => o.Name == c.Name) > 1))
            .Select(c => c.Name).Distinct().ToList();
        string what = written.Count > 0 ? $"{step.Description}, writing {string.Join(", ", written.Select(c => $"'{c}'"))}" : step.Description;
        NotSupportedException Unsupported(string why, Exception? inner = null) => new(
            $"Cannot export {what} to ONNX: {why} It is neither convertible by ML.NET's ONNX converter nor an MLNet.Autoencoders " +
            "featurizer, and leaving it out would change the model's results. Nothing was written.", inner);

        var transformed = step.Transformer.Transform(input);
        if (!ReferenceEquals(transformed, input) && !IsDataTransform(transformed))
            throw Unsupported("its output is not an ML.NET data transform, so ML.NET's converter cannot see it.");
        var (converted, warnings) = ConvertWithLog(step.Transformer, input, what, Unsupported);
        if (warnings.Count > 0)
            throw Unsupported($"ML.NET's converter reports: {warnings[0]}");
        var graphInputs = new HashSet<string>(converted.Graph.Input.Select(i => i.Name));
        foreach (var column in written)
        {
            var node = converted.Graph.Node.FirstOrDefault(n => n.Output.Contains(column + OutputSuffix));
            if (node is null || (node.OpType == "Identity" && graphInputs.Contains(node.Input[0])))
                throw Unsupported($"ML.NET's converter passes column '{column}' through without computing it.");
        }
        bool clustering = step.Transformer.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ClusteringPredictionTransformer<>);
        foreach (var column in written)
            yield return (column, clustering && output[column].Type is KeyDataViewType);
    }

    // ML.NET's IDataTransform is internal; its converter walks back only through views that implement it.
    private static bool IsDataTransform(IDataView view) =>
        view.GetType().GetInterfaces().Any(i => i.FullName == "Microsoft.ML.Data.IDataTransform");

    private void Convert(Segment segment)
    {
        var input = new VisibleColumnsDataView(segment.Input);
        var chain = new TransformerChain<ITransformer>(segment.Steps.Select(s => s.Transformer).ToArray());
        segment.OutputSchema = chain.GetOutputSchema(input.Schema);
        var (converted, warnings) = ConvertWithLog(chain, input, segment.Description,
            (why, inner) => new NotSupportedException($"Cannot export {segment.Description} to ONNX: {why}", inner));
        if (warnings.Count > 0)
            throw new NotSupportedException($"Cannot export {segment.Description} to ONNX: ML.NET's converter reports: {warnings[0]} Nothing was written.");
        segment.Converted = converted;
    }

    /// <summary>ML.NET's converter, run in a context of its own so its warnings (a step it had to leave out) can be read.</summary>
    private (ModelProto Model, List<string> Warnings) ConvertWithLog(ITransformer transformer, IDataView input, string what,
        Func<string, Exception?, NotSupportedException> unsupported)
    {
        var context = new MLContext();
        var warnings = new List<string>();
        context.Log += (_, e) =>
        {
            if (e.Message.Contains(WalkbackWarning, StringComparison.Ordinal))
                lock (warnings) warnings.Add(e.Message);
        };
        using var stream = new MemoryStream();
        try
        {
            context.Model.ConvertToOnnx(transformer, input, stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw unsupported($"ML.NET's converter fails: {e.Message}", e);
        }
        return (ModelProto.Parser.ParseFrom(stream.ToArray()), warnings);
    }

    private static void SpliceConverted(OnnxGraphAssembler assembler, Segment segment)
    {
        var converted = segment.Converted!;
        var inputs = converted.Graph.Input.ToDictionary(i => i.Name, i => i.Name);
        var outputs = segment.OutputSchema!.Where(c => !c.IsHidden)
            .Select(c => c.Name).Distinct()
            .Where(c => converted.Graph.Output.Any(o => o.Name == c + OutputSuffix))
            .ToDictionary(c => c + OutputSuffix, c => c);
        assembler.Splice(converted, inputs, outputs, replaceColumns: true, segment.Description);
    }

    private static void SpliceFeaturizer(OnnxGraphAssembler assembler, Segment segment, IOnnxExportable featurizer, int opset)
    {
        string step = segment.Description;
        if (opset < featurizer.MinimumOpset || opset > featurizer.MaximumOpset)
            throw new NotSupportedException($"Cannot export {step} to ONNX: the {featurizer.ExportName}'s graph can be written at opsets " +
                $"{featurizer.MinimumOpset} to {featurizer.MaximumOpset}, but ML.NET's converter writes the rest of the pipeline at {opset}. Nothing was written.");
        var type = assembler.ColumnType(featurizer.InputColumnName);
        var tensor = type?.TensorType;
        if (tensor is null || tensor.ElemType != OnnxTypes.Float || tensor.Shape is null || tensor.Shape.Dim.Count != 2
            || tensor.Shape.Dim[1].DimValue != featurizer.InputSize)
            throw new NotSupportedException($"Cannot export {step} to ONNX: the {featurizer.ExportName} reads column '{featurizer.InputColumnName}' " +
                $"as float [N, {featurizer.InputSize}], but the ONNX graph holds it as {Describe(type)}. Nothing was written.");
        const string input = "featurizer.input";
        var produced = featurizer.ExportOutputs.Where(o => o.ColumnName is not null).ToList();
        var names = produced.ToDictionary(o => o.Key, o => "featurizer." + o.Key);
        var graph = featurizer.BuildInferenceModel(input, names, opset, batched: true);
        assembler.Splice(graph, new Dictionary<string, string> { [input] = featurizer.InputColumnName },
            produced.ToDictionary(o => names[o.Key], o => o.ColumnName!), replaceColumns: false, step);
    }

    private static void Flatten(ITransformer transformer, List<ITransformer> into)
    {
        if (transformer is IEnumerable<ITransformer> chain)
            foreach (var inner in chain) Flatten(inner, into);
        else
            into.Add(transformer);
    }

    private static string Describe(ITransformer transformer) => transformer switch
    {
        IOnnxExportable f => $"{TypeName(transformer.GetType())}: '{f.InputColumnName}' to {string.Join(", ", f.ExportOutputs.Where(o => o.ColumnName is not null).Select(o => $"'{o.ColumnName}'"))}",
        _ => TypeName(transformer.GetType()),
    };

    private static string TypeName(Type type)
    {
        if (!type.IsGenericType) return type.Name;
        string name = type.Name[..type.Name.IndexOf('`')];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    private static string Describe(TypeProto? type)
    {
        var tensor = type?.TensorType;
        if (tensor is null) return "a type ONNX cannot hold";
        string dims = tensor.Shape is null ? "?" : string.Join(", ", tensor.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"{(TensorProto.Types.DataType)tensor.ElemType} [{dims}]";
    }
}
