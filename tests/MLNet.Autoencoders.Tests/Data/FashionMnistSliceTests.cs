using MLNet.Autoencoders.Data;
using Xunit;

namespace MLNet.Autoencoders.Tests.Data;

public class FashionMnistSliceTests
{
    [Fact]
    public void Slice_and_Select_copy_the_right_images()
    {
        var all = FashionMnist.LoadEmbeddedArrays(maxRows: 50);
        var slice = all.Slice(10, 5);
        Assert.Equal(5, slice.Count);
        Assert.Equal(all.Labels[10..15], slice.Labels);
        Assert.Equal(all.GetFeatures(12).ToArray(), slice.GetFeatures(2).ToArray());
        var picked = all.Select([7, 3]);
        Assert.Equal(new[] { all.Labels[7], all.Labels[3] }, picked.Labels);
        Assert.Equal(all.GetFeatures(3).ToArray(), picked.GetFeatures(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => all.Slice(45, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => all.Select([50]));
    }
}
