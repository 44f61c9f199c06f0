using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Training;

/// <summary>The one-pass Adam step gives what TorchSharp's Adam gives, and leaves its state where TorchSharp keeps it.</summary>
public class FusedAdamTests
{
    public FusedAdamTests() => TorchSharpNativeLoader.EnsureInitialized();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Ten_steps_match_TorchSharps_Adam(double weightDecay)
    {
        // A large matrix, and sizes that are not multiples of the vector width (the scalar tail runs too).
        long[][] shapes = [[300, 400], [37], [5, 3]];
        using var reference = Parameters(shapes, seed: 11);
        using var fused = Parameters(shapes, seed: 11);
        using var referenceAdam = optim.Adam(reference.parameters(), 0.01, weight_decay: weightDecay);
        using var fusedAdam = optim.Adam(fused.parameters(), 0.01, weight_decay: weightDecay);
        var generator = new Generator(5);
        for (int step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            var target = shapes.Select(s => randn(s, generator: generator)).ToArray();
            Backward(reference, target);
            Backward(fused, target);
            referenceAdam.step();
            FusedAdam.Step(fusedAdam);
        }

        foreach (var (expected, actual) in reference.parameters().Zip(fused.parameters()))
        {
            Assert.False(expected.allclose(actual.detach().clone().add_(1e-3)), "the test must be able to tell the steps apart");
            Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-6), $"max difference {(expected - actual).abs().max().item<float>()}");
        }
        // The moments and step count live in TorchSharp's state, so checkpoints save them as before.
        var states = fusedAdam.state_dict().State.Cast<TorchSharp.Modules.Adam.State>().ToArray();
        var referenceStates = referenceAdam.state_dict().State.Cast<TorchSharp.Modules.Adam.State>().ToArray();
        for (int i = 0; i < states.Length; i++)
        {
            Assert.Equal(10, states[i].step);
            Assert.True(referenceStates[i].exp_avg.allclose(states[i].exp_avg, rtol: 1e-5, atol: 1e-7));
            Assert.True(referenceStates[i].exp_avg_sq.allclose(states[i].exp_avg_sq, rtol: 1e-5, atol: 1e-9));
        }
    }

    [Fact]
    public void Options_it_does_not_fuse_take_the_optimizers_own_step()
    {
        long[][] shapes = [[20, 30]];
        using var reference = Parameters(shapes, seed: 2);
        using var other = Parameters(shapes, seed: 2);
        using var referenceAdam = optim.Adam(reference.parameters(), 0.01, amsgrad: true);
        using var otherAdam = optim.Adam(other.parameters(), 0.01, amsgrad: true);
        var target = new[] { randn(shapes[0], generator: new Generator(1)) };
        for (int step = 0; step < 3; step++)
        {
            Backward(reference, target);
            Backward(other, target);
            referenceAdam.step();
            FusedAdam.Step(otherAdam);
        }
        Assert.True(reference.parameters().First().equal(other.parameters().First()).all().item<bool>());
    }

    private static void Backward(nn.Module module, Tensor[] target)
    {
        foreach (var p in module.parameters()) p.grad?.zero_();
        var loss = module.parameters().Zip(target).Select(pt => (pt.First - pt.Second).pow(2).sum()).Aggregate((a, b) => a + b);
        loss.backward();
    }

    private static nn.Module Parameters(long[][] shapes, ulong seed)
    {
        var generator = new Generator(seed);
        var module = new ParameterList();
        foreach (var shape in shapes) module.Add(new TorchSharp.Modules.Parameter(randn(shape, generator: generator)));
        return module;
    }

    private sealed class ParameterList : nn.Module
    {
        private readonly TorchSharp.Modules.ParameterList list = new();
        public ParameterList() : base("parameters") => RegisterComponents();
        public void Add(TorchSharp.Modules.Parameter p) => list.Add(p);
    }
}
