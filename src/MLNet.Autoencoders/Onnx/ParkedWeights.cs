using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>
/// Keeps the weights that a saved graph's outputs do not need (the decoder of a featurizer saved without its
/// reconstruction column) out of the graph that ONNX Runtime loads: ONNX Runtime prints a warning for every unused
/// initializer on every load, and a saved model must load silently. They go into the model's
/// <c>training_info[0].initialization</c> graph (an initializer-only graph named <see cref="GraphName"/>), which ONNX
/// Runtime does not load and which carries them for the typed loaders (a loaded autoencoder can still reconstruct,
/// a loaded VAE can still generate). Format version 4 on; earlier versions kept them in the main graph.
/// </summary>
internal static class ParkedWeights
{
    /// <summary>Name of the initializer-only graph that holds the parked weights.</summary>
    public const string GraphName = "mlnet_autoencoders.unused_weights";

    /// <summary>Moves every initializer of the main graph that no node reads into the parked graph.</summary>
    public static void Park(ModelProto model)
    {
        var used = new HashSet<string>(model.Graph.Node.SelectMany(n => n.Input));
        foreach (var output in model.Graph.Output) used.Add(output.Name);
        var unused = model.Graph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        if (unused.Count == 0) return;
        foreach (var tensor in unused) model.Graph.Initializer.Remove(tensor);
        var parked = new GraphProto { Name = GraphName };
        parked.Initializer.AddRange(unused);
        model.TrainingInfo.Add(new TrainingInfoProto { Initialization = parked });
    }

    /// <summary>Every initializer of the model: the main graph's, then the parked ones.</summary>
    public static IEnumerable<TensorProto> AllInitializers(ModelProto model)
        => model.Graph.Initializer.Concat(model.TrainingInfo
            .Where(t => t.Initialization?.Name == GraphName)
            .SelectMany(t => t.Initialization.Initializer));
}
