using Google.Protobuf;
using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>Small helpers that add nodes, initializers and typed inputs/outputs to an ONNX graph.</summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>ONNX operator set we write. 13 keeps ReduceMean's axes an attribute and is served by every
    /// ONNX Runtime from 1.6 on.</summary>
    public const int OpsetVersion = 13;

    /// <summary>IR version that goes with opset 13.</summary>
    public const long IrVersion = 7;

    private int nodeCount;

    public OnnxGraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    public GraphProto Graph { get; }

    public void AddInitializer(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian.");
        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
    }

    /// <summary>A 64-bit integer initializer (shapes, axes).</summary>
    public string AddInt64Initializer(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A fully connected layer: input × weight ([in, out]) + bias, then the activation (none for null).
    /// MatMul works on a [D] row and on an [N, D] batch alike, so both forms of a graph share these nodes.</summary>
    /// <param name="input">The layer's input tensor.</param>
    /// <param name="weight">The weight initializer, [in, out].</param>
    /// <param name="bias">The bias initializer; its name, less ".bias", prefixes the nodes' outputs.</param>
    /// <param name="activation">The non-linearity, or null for a linear layer.</param>
    /// <param name="outputName">Name of the layer's result when it has no activation; null: a name from the bias.</param>
    public string Dense(string input, string weight, string bias, Activation? activation, string? outputName)
    {
        string prefix = bias[..^".bias".Length];
        string product = AddNode("MatMul", $"{prefix}.matmul", input, weight);
        string sum = AddNode("Add", activation is null && outputName is not null ? outputName : $"{prefix}.add", product, bias);
        return activation is null ? sum : Activate(sum, activation.Value, prefix);
    }

    /// <summary>Applies a hidden-layer non-linearity; the node's output is named from <paramref name="prefix"/>.</summary>
    public string Activate(string input, Activation activation, string prefix) => activation switch
    {
        Activation.Relu => AddNode("Relu", $"{prefix}.relu", input),
        Activation.LeakyRelu => AddNode("LeakyRelu", $"{prefix}.leaky_relu", [input], node => node.Attribute.Add(FloatAttribute("alpha", 0.01f))),
        Activation.Tanh => AddNode("Tanh", $"{prefix}.tanh", input),
        Activation.Sigmoid => AddNode("Sigmoid", $"{prefix}.sigmoid", input),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    public string AddNode(string opType, string output, params string[] inputs) => AddNode(opType, output, inputs, null);

    public string AddNode(string opType, string output, string[] inputs, Action<NodeProto>? configure)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        configure?.Invoke(node);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Declares a float tensor input; a null dimension is symbolic (the batch).</summary>
    public void AddInput(string name, params long?[] dims) => Graph.Input.Add(FloatValueInfo(name, dims));

    /// <summary>Declares a float tensor output; a null dimension is symbolic (the batch).</summary>
    public void AddOutput(string name, params long?[] dims) => Graph.Output.Add(FloatValueInfo(name, dims));

    public static ValueInfoProto FloatValueInfo(string name, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is long v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public ModelProto ToModel(string producerVersion, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = AutoencoderOnnxFormat.ProducerName,
            ProducerVersion = producerVersion,
            Graph = Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Reads a float initializer back (raw data or float_data).</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"ONNX initializer '{tensor.Name}' is not a float tensor.");
        // Dimensions come from the file: refuse negative ones and products past any real tensor before trusting them.
        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            if (dim < 0 || (dim > 0 && count > int.MaxValue / dim))
                throw new InvalidDataException($"ONNX initializer '{tensor.Name}' has an impossible shape [{string.Join(", ", tensor.Dims)}].");
            count *= dim;
        }
        float[] values;
        if (!tensor.RawData.IsEmpty)
        {
            if (tensor.RawData.Length != count * sizeof(float))
                throw new InvalidDataException($"ONNX initializer '{tensor.Name}' holds {tensor.RawData.Length} bytes, but its shape needs {count * sizeof(float)}.");
            values = new float[count];
            tensor.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            if (tensor.FloatData.Count != count)
                throw new InvalidDataException($"ONNX initializer '{tensor.Name}' holds {tensor.FloatData.Count} values, but its shape needs {count}.");
            values = tensor.FloatData.ToArray();
        }
        return values;
    }
}
