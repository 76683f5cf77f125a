package demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class FreshApplication {

	public static void main(String[] args) {
		SpringApplication.run(FreshApplication.class, args);
	}

}
