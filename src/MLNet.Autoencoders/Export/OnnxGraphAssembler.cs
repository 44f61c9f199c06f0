using Microsoft.ML;
using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>
/// Builds one ONNX graph from the graphs of a pipeline's segments, in pipeline order. It tracks, for every live column,
/// the tensor that holds it; each segment's graph inputs are wired to those tensors and every other name of the segment
/// (nodes, initializers, intermediate tensors) gets a prefix of its own, so segments never collide.
/// </summary>
internal sealed class OnnxGraphAssembler
{
    private readonly DataViewSchema rawSchema;
    private readonly Dictionary<string, string> columnTensor = new();
    private readonly Dictionary<string, TypeProto> columnType = new();
    private readonly HashSet<string> declaredInputs = new();
    private readonly Dictionary<string, long> opsets = new();
    private int segmentCount;

    /// <param name="rawSchema">The pipeline's input schema: its visible columns are the candidate graph inputs, declared
    /// when a segment first reads them, each named after its column.</param>
    public OnnxGraphAssembler(DataViewSchema rawSchema)
    {
        this.rawSchema = rawSchema;
        foreach (var column in rawSchema.Where(c => !c.IsHidden))
            columnTensor[column.Name] = column.Name;
    }

    public GraphProto Graph { get; } = new() { Name = "pipeline" };

    public long IrVersion { get; private set; }

    public IReadOnlyDictionary<string, long> Opsets => opsets;

    public bool HasColumn(string column) => columnTensor.ContainsKey(column);

    /// <summary>The ONNX type of a live column, or null when ONNX cannot hold it.</summary>
    public TypeProto? ColumnType(string column)
    {
        if (columnType.TryGetValue(column, out var type)) return type;
        return columnTensor.TryGetValue(column, out var tensor) && tensor == column && rawSchema.GetColumnOrNull(column) is { } raw
            ? OnnxTypes.FromDataViewType(raw.Type)
            : null;
    }

    /// <summary>Appends a segment's graph.</summary>
    /// <param name="segment">The segment's model.</param>
    /// <param name="inputColumns">Graph input name → the column it reads.</param>
    /// <param name="outputColumns">Graph output name → the column it writes.</param>
    /// <param name="replaceColumns">True: after the segment the live columns are exactly its outputs (an ML.NET segment
    /// outputs every visible column). False: its outputs are added to the live columns, replacing same-named ones.</param>
    /// <param name="step">The step(s) of the segment, for messages.</param>
    public void Splice(ModelProto segment, IReadOnlyDictionary<string, string> inputColumns,
        IReadOnlyDictionary<string, string> outputColumns, bool replaceColumns, string step)
    {
        var graph = segment.Graph ?? throw new InvalidOperationException($"The ONNX graph of {step} is missing.");
        string prefix = $"s{segmentCount++}/";
        var initializers = new HashSet<string>(graph.Initializer.Select(t => t.Name));
        var rename = new Dictionary<string, string>();
        foreach (var input in graph.Input)
        {
            if (initializers.Contains(input.Name)) continue;
            if (!inputColumns.TryGetValue(input.Name, out var column))
                throw new InvalidOperationException($"The ONNX graph of {step} has an input '{input.Name}' that is no column.");
            rename[input.Name] = Read(column, input.Type, step);
        }
        string Rename(string name) => name.Length == 0 ? name : rename.TryGetValue(name, out var r) ? r : prefix + name;

        foreach (var tensor in graph.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = Rename(tensor.Name);
            Graph.Initializer.Add(copy);
        }
        int index = 0;
        foreach (var node in graph.Node)
        {
            if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
                throw new NotSupportedException($"The ONNX graph of {step} has a node with a subgraph ({node.OpType}); the exporter cannot splice it.");
            var copy = node.Clone();
            copy.Name = prefix + (node.Name.Length > 0 ? node.Name : $"{node.OpType}_{index}");
            index++;
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Rename));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Rename));
            Graph.Node.Add(copy);
        }
        foreach (var info in graph.ValueInfo)
        {
            var copy = info.Clone();
            copy.Name = Rename(info.Name);
            Graph.ValueInfo.Add(copy);
        }

        if (replaceColumns)
        {
            // Raw columns stay reachable under their own names only while they are live.
            columnTensor.Clear();
            columnType.Clear();
        }
        foreach (var output in graph.Output)
        {
            if (!outputColumns.TryGetValue(output.Name, out var column)) continue;
            columnTensor[column] = Rename(output.Name);
            columnType[column] = output.Type.Clone();
        }
        foreach (var (column, _) in outputColumns.Where(p => graph.Output.All(o => o.Name != p.Key)))
            throw new InvalidOperationException($"The ONNX graph of {step} does not output column '{column}'.");

        IrVersion = Math.Max(IrVersion, segment.IrVersion);
        foreach (var import in segment.OpsetImport)
        {
            string domain = import.Domain is "ai.onnx" ? "" : import.Domain;
            opsets[domain] = Math.Max(opsets.GetValueOrDefault(domain), import.Version);
        }
    }

    /// <summary>Adds the graph output <c>column + suffix</c> (an Identity of the column's tensor). False when ONNX cannot hold the column.</summary>
    public bool AddOutput(string column, string name)
    {
        var type = ColumnType(column);
        if (type is null || !columnTensor.ContainsKey(column)) return false;
        string tensor = Read(column, type, "the outputs");
        Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "output/" + column, Input = { tensor }, Output = { name } });
        Graph.Output.Add(new ValueInfoProto { Name = name, Type = type.Clone() });
        return true;
    }

    /// <summary>The tensor holding <paramref name="column"/>, declaring it as a graph input on first use of a raw column.</summary>
    private string Read(string column, TypeProto? type, string step)
    {
        if (!columnTensor.TryGetValue(column, out var tensor))
            throw new InvalidOperationException($"{Capitalize(step)} reads column '{column}', which no earlier step writes and the input data does not have.");
        if (tensor == column && !columnType.ContainsKey(column) && declaredInputs.Add(column))
        {
            var declared = type?.Clone() ?? ColumnType(column)
                ?? throw new NotSupportedException($"{Capitalize(step)} reads column '{column}', whose type ONNX cannot hold.");
            Graph.Input.Add(new ValueInfoProto { Name = column, Type = declared });
            columnType[column] = declared;
        }
        return tensor;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
