using MLNet.Autoencoders.Training;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Clustering;

/// <summary>The equal-size (Sinkhorn) assignment behind <see cref="DeepClusteringOptions.BalancedClusters"/>.</summary>
public class EqualSizeAssignmentTests
{
    /// <summary>100 points evenly spread on [0, 1), as a column.</summary>
    private static Tensor Line(int n = 100) => tensor(Enumerable.Range(0, n).Select(i => (float)i / n).ToArray()).reshape(n, 1);

    [Fact]
    public void Two_centres_off_the_middle_get_half_the_rows_each_split_at_the_median()
    {
        using var x = Line();
        using var centres = tensor(new float[] { 0.1f, 0.5f }).reshape(2, 1);
        var nearest = LatentKMeans.Assign(x, centres);
        var equal = EqualSizeAssignment.Assign(x, centres);

        Assert.Equal(30, nearest.Count(l => l == 0)); // the boundary at 0.3
        // About half each (the transport plan's shares are exact; each row's largest entry is taken, so a few border rows
        // may go either way), and still an ordered split: the lower rows go to the lower centre.
        int lower = equal.Count(l => l == 0);
        Assert.InRange(lower, 46, 54);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i < lower ? 0 : 1), equal);
    }

    [Fact]
    public void Every_centre_gets_its_share_when_the_rows_do_not_divide_evenly()
    {
        var random = new Random(4);
        // 301 rows crowded around the first of three centres.
        var values = Enumerable.Range(0, 301 * 2).Select(_ => (float)(random.NextDouble() * random.NextDouble())).ToArray();
        using var x = tensor(values).reshape(301, 2);
        using var centres = tensor(new float[] { 0.1f, 0.1f, 0.6f, 0.2f, 0.2f, 0.7f }).reshape(3, 2);
        var nearestSizes = Sizes(LatentKMeans.Assign(x, centres), 3);
        var equalSizes = Sizes(EqualSizeAssignment.Assign(x, centres), 3);

        Assert.True(nearestSizes.Max() - nearestSizes.Min() > 100, string.Join(", ", nearestSizes));
        Assert.All(equalSizes, size => Assert.InRange(size, 95, 106));
        Assert.Equal(301, equalSizes.Sum());
    }

    [Fact]
    public void Rows_all_at_one_point_fall_back_to_the_nearest_centre()
    {
        using var x = zeros(10, 2);
        using var centres = tensor(new float[] { 0, 0, 0, 0 }).reshape(2, 2);
        // A zero median distance leaves no temperature: nearest-centre assignment, no NaN.
        Assert.Equal(LatentKMeans.Assign(x, centres), EqualSizeAssignment.Assign(x, centres));
    }

    private static int[] Sizes(int[] labels, int k)
    {
        var sizes = new int[k];
        foreach (int label in labels) sizes[label]++;
        return sizes;
    }
}
