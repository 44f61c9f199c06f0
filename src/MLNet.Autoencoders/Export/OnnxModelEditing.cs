using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>Small in-place edits of ONNX models used by the exporters.</summary>
internal static class OnnxModelEditing
{
    /// <summary>Symbolic name of every batch dimension the exporters write.</summary>
    public const string BatchDimension = "N";

    /// <summary>Makes the model import the default domain at exactly <paramref name="opset"/>.</summary>
    public static void SetDefaultOpset(ModelProto model, int opset)
    {
        foreach (var import in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList())
            model.OpsetImport.Remove(import);
        model.OpsetImport.Insert(0, new OperatorSetIdProto { Domain = "", Version = opset });
    }

    /// <summary>ML.NET's converter writes an unknown batch size as dim_value -1, which the ONNX spec does not allow:
    /// turn every negative dimension of the graph's inputs, outputs and value infos into the symbolic <see cref="BatchDimension"/>.</summary>
    public static void SymbolicBatchDimensions(GraphProto graph)
    {
        foreach (var info in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            var shape = info.Type?.TensorType?.Shape;
            if (shape is null) continue;
            foreach (var dim in shape.Dim)
                if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue < 0)
                    dim.DimParam = BatchDimension;
        }
    }

    /// <summary>Removes the nodes, initializers, inputs and value infos that no graph output needs.</summary>
    public static void Prune(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name));
        var kept = new List<NodeProto>();
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            foreach (var input in node.Input)
                if (input.Length > 0) needed.Add(input);
        }
        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        Keep(graph.Initializer, t => needed.Contains(t.Name));
        Keep(graph.Input, v => needed.Contains(v.Name));
        Keep(graph.ValueInfo, v => needed.Contains(v.Name));
    }

    private static void Keep<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> keep)
    {
        var kept = items.Where(keep).ToList();
        items.Clear();
        items.AddRange(kept);
    }
}
