package org.crossgen.testing;

import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of tests that run stories260k (float32) against its llama2.c reference: loaded once per class. */
public abstract class StoriesModelTest {
    protected static LlamaModel model;
    protected static StoriesGolden ref;

    @BeforeAll
    static void loadStories() throws Exception {
        model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU);
        ref = StoriesGolden.read();
    }

    @AfterAll
    static void closeStories() {
        model.close();
    }
}
