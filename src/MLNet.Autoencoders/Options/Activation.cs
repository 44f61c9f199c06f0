namespace MLNet.Autoencoders;

/// <summary>The non-linearity applied after each hidden layer of the encoder and the decoder.</summary>
public enum Activation
{
    /// <summary>max(0, x). The usual choice; what the reference PyTorch models use.</summary>
    Relu,
    /// <summary>max(0.01 x, x): like <see cref="Relu"/>, but never zero-gradient.</summary>
    LeakyRelu,
    /// <summary>Hyperbolic tangent, output in (-1, 1).</summary>
    Tanh,
    /// <summary>Logistic sigmoid, output in (0, 1).</summary>
    Sigmoid,
}
