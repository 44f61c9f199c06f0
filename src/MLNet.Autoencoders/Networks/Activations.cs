using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>Pieces every TorchSharp network here shares: hidden activations, initialisation, and copying weights out.</summary>
internal static class Activations
{
    public static Tensor Apply(Tensor h, Activation activation) => activation switch
    {
        Activation.Relu => nn.functional.relu(h),
        Activation.LeakyRelu => nn.functional.leaky_relu(h, 0.01),
        Activation.Tanh => h.tanh(),
        Activation.Sigmoid => h.sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>Same distribution as torch's default Linear init (Kaiming-uniform with a = sqrt(5) gives U(±1/sqrt(fan_in))),
    /// drawn from our own generator so the MLContext seed, not torch's global RNG, decides the weights.</summary>
    public static void InitializeLinear(IEnumerable<Linear> layers, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var layer in layers)
        {
            double bound = 1.0 / Math.Sqrt(layer.weight!.shape[1]);
            layer.weight.uniform_(-bound, bound, generator);
            layer.bias!.uniform_(-bound, bound, generator);
        }
    }

    /// <summary>A tensor's values as a row-major array.</summary>
    public static float[] ToArray(Tensor t)
    {
        // Both steps make a tensor of their own; dispose each, or every export leaves a live tensor per parameter.
        using var detached = t.detach();
        using var contiguous = detached.contiguous();
        return contiguous.data<float>().ToArray();
    }

    /// <summary>Copies <paramref name="values"/> into a parameter of the same number of elements.</summary>
    public static void Load(Parameter parameter, float[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values, parameter.shape);
        parameter.copy_(source);
    }
}
