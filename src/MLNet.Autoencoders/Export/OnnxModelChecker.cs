using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>
/// The rules of the ONNX checker that can be checked without ONNX's Python package: the graph is in topological order and
/// every node input is defined before use (a graph input, an initializer or an earlier node's output); every tensor is
/// produced once; initializer, input and node names are unique; graph inputs and outputs are typed tensors with shapes
/// whose dimensions are a non-negative value or a symbol; every graph output is defined; every node's domain is imported.
/// </summary>
internal static class OnnxModelChecker
{
    /// <summary>The problems found, each a sentence; empty when the model passes.</summary>
    public static IReadOnlyList<string> Check(ModelProto model)
    {
        var problems = new List<string>();
        if (model.Graph is null)
            return ["The model has no graph."];
        if (model.IrVersion < 3)
            problems.Add($"IR version {model.IrVersion} is older than 3.");
        var domains = new HashSet<string>(model.OpsetImport.Select(o => o.Domain is "ai.onnx" ? "" : o.Domain));
        if (!domains.Contains(""))
            problems.Add("The model does not import the default ONNX domain.");
        if (model.OpsetImport.GroupBy(o => o.Domain is "ai.onnx" ? "" : o.Domain).Any(g => g.Count() > 1))
            problems.Add("A domain is imported twice.");

        var graph = model.Graph;
        var defined = new HashSet<string>();
        foreach (var tensor in graph.Initializer)
            if (!defined.Add(tensor.Name))
                problems.Add($"Two initializers are named '{tensor.Name}'.");
        var inputs = new HashSet<string>();
        foreach (var input in graph.Input)
        {
            if (!inputs.Add(input.Name))
                problems.Add($"Two graph inputs are named '{input.Name}'.");
            CheckTyped(input, "Graph input", problems);
            defined.Add(input.Name);
        }
        var nodeNames = new HashSet<string>();
        foreach (var node in graph.Node)
        {
            string label = node.Name.Length > 0 ? $"Node '{node.Name}' ({node.OpType})" : $"A {node.OpType} node";
            if (node.Name.Length > 0 && !nodeNames.Add(node.Name))
                problems.Add($"Two nodes are named '{node.Name}'.");
            if (!domains.Contains(node.Domain is "ai.onnx" ? "" : node.Domain))
                problems.Add($"{label} uses domain '{node.Domain}', which the model does not import.");
            foreach (var input in node.Input)
                if (input.Length > 0 && !defined.Contains(input))
                    problems.Add($"{label} reads '{input}', which is not defined before it.");
            foreach (var output in node.Output)
                if (output.Length > 0 && !defined.Add(output))
                    problems.Add($"{label} writes '{output}', which is already defined.");
        }
        var outputs = new HashSet<string>();
        foreach (var output in graph.Output)
        {
            if (!outputs.Add(output.Name))
                problems.Add($"Two graph outputs are named '{output.Name}'.");
            if (!defined.Contains(output.Name))
                problems.Add($"Graph output '{output.Name}' is not defined.");
            CheckTyped(output, "Graph output", problems);
        }
        return problems;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing the problems, if any.</summary>
    public static void ThrowIfInvalid(ModelProto model, string what)
    {
        var problems = Check(model);
        if (problems.Count > 0)
            throw new InvalidOperationException($"The {what} is not a valid ONNX model: {string.Join(" ", problems)} Nothing was written.");
    }

    private static void CheckTyped(ValueInfoProto value, string kind, List<string> problems)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null || tensor.ElemType == 0)
        {
            problems.Add($"{kind} '{value.Name}' has no tensor element type.");
            return;
        }
        if (tensor.Shape is null)
        {
            problems.Add($"{kind} '{value.Name}' has no shape.");
            return;
        }
        foreach (var dim in tensor.Shape.Dim)
        {
            bool ok = dim.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => dim.DimValue >= 0,
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => dim.DimParam.Length > 0,
                _ => false,
            };
            if (!ok)
                problems.Add($"{kind} '{value.Name}' has a dimension that is neither a non-negative size nor a symbol.");
        }
    }
}
