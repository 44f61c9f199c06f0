using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Vae;

public class VaeLossTests
{
    [Fact]
    public void KL_term_matches_its_closed_form_for_a_hand_made_mean_and_log_variance()
    {
        float[] mu = [0.5f, -1f, 2f], logVar = [0f, -0.5f, 1.2f];
        // KL(N(mu, s²) || N(0, 1)) = ½ (s² + mu² − 1 − log s²), summed over dimensions.
        double expected = 0;
        for (int j = 0; j < 3; j++) expected += 0.5 * (Math.Exp(logVar[j]) + mu[j] * mu[j] - 1 - logVar[j]);
        using var m = tensor(mu, [1, 3]);
        using var l = tensor(logVar, [1, 3]);
        using var kl = VaeLoss.Kl(m, l);
        Assert.Equal(expected, kl.item<float>(), 5);

        // The standard normal itself has no divergence.
        using var zeros = torch.zeros(2, 3);
        using var none = VaeLoss.Kl(zeros, zeros);
        Assert.All(none.data<float>().ToArray(), v => Assert.Equal(0f, v, 6));
    }

    [Fact]
    public void Reparameterization_gives_gradients_to_both_heads()
    {
        using var init = new Generator(1);
        using var noise = new Generator(2);
        using var network = new VaeNetwork(new VaeArchitecture([6, 5, 2], Activation.Relu, VaeLikelihood.Bernoulli, 1), init, noise);
        using var x = torch.rand(8, 6, generator: init);
        var (output, mean, logVariance) = network.forward(x);
        // Only the reconstruction term: any gradient in the log-variance head must have come through z = mean + sigma * eps.
        using var loss = VaeLoss.Reconstruction(output, x, network.Architecture).mean();
        loss.backward();
        var grads = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.abs().sum().item<float>());
        Assert.True(grads["meanHead.weight"] > 0, "mean head got no gradient");
        Assert.True(grads["logVarianceHead.weight"] > 0, "log-variance head got no gradient through the reparameterization");
        Assert.True(grads["logVarianceHead.bias"] > 0);
    }

    [Fact]
    public void Reconstruction_term_with_beta_zero_is_the_autoencoder_loss_summed_over_the_row()
    {
        using var generator = new Generator(3);
        using var logits = torch.randn([4, 10], generator: generator);
        using var x = torch.rand([4, 10], generator: generator);
        var bernoulli = new VaeArchitecture([10, 2], Activation.Relu, VaeLikelihood.Bernoulli, 1);
        using var vae = VaeLoss.Reconstruction(logits, x, bernoulli).mean();
        using var ae = MlpTrainer.Loss(logits, x, ReconstructionLoss.BinaryCrossEntropy, OutputActivation.Sigmoid);
        // The autoencoder's BCE is a mean per value; the VAE's term is a sum per row.
        Assert.Equal(ae.item<float>() * 10, vae.item<float>(), 4);

        var gaussian = new VaeArchitecture([10, 2], Activation.Relu, VaeLikelihood.Gaussian, 0.25);
        using var g = VaeLoss.Reconstruction(logits, x, gaussian).mean();
        using var mse = MlpTrainer.Loss(logits, x, ReconstructionLoss.MeanSquaredError, OutputActivation.Identity);
        double expected = mse.item<float>() * 10 / (2 * 0.25) + 0.5 * 10 * Math.Log(2 * Math.PI * 0.25);
        Assert.Equal(expected, g.item<float>(), 3);
    }
}
