using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>A saved model's float initializers by name (the main graph's and the parked ones, see <see cref="ParkedWeights"/>), checked for duplicates and for the sizes the architecture needs.</summary>
internal sealed class InitializerTable
{
    private readonly Dictionary<string, TensorProto> initializers = new();

    public InitializerTable(ModelProto model)
    {
        if (model.Graph is null)
            throw new InvalidDataException("The autoencoder model has no graph.");
        foreach (var tensor in ParkedWeights.AllInitializers(model))
            if (!initializers.TryAdd(tensor.Name, tensor))
                throw new InvalidDataException($"The autoencoder model has two initializers named '{tensor.Name}'.");
    }

    /// <summary>The values of initializer <paramref name="name"/>, which must hold <paramref name="expected"/> floats.</summary>
    public float[] Get(string name, long expected)
    {
        if (!initializers.TryGetValue(name, out var tensor))
            throw new InvalidDataException($"The autoencoder model has no initializer '{name}'.");
        var values = OnnxGraphBuilder.ReadFloats(tensor);
        if (values.Length != expected)
            throw new InvalidDataException($"Initializer '{name}' has {values.Length} values, but the architecture needs {expected}.");
        return values;
    }
}
