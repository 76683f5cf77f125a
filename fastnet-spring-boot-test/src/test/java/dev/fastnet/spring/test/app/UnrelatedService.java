package dev.fastnet.spring.test.app;

import org.springframework.stereotype.Service;

/**
 * A component that has nothing to do with fastnet.
 */
@Service
class UnrelatedService {

}
