namespace MLNet.Autoencoders;

/// <summary>How the layers of a deep autoencoder get their starting weights.</summary>
public enum Pretraining
{
    /// <summary>Random initialisation, then end-to-end training.</summary>
    None,
    /// <summary>Stacked autoencoder: train each layer in turn to rebuild the previous layer's code (the first layer rebuilds
    /// the input), then fine-tune the whole network end to end.</summary>
    GreedyLayerWise,
}
